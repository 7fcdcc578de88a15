import { readFile, stat } from 'node:fs/promises';
import { configError } from '../errors.js';

/** Larger inputs are not configs, catalogs or states but a wrong path; refuse before reading them. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** No config, catalog or state nests this deep; deeper input would overflow recursive validators. */
export const MAX_INPUT_DEPTH = 64;

/**
 * Reads a JSON input file given on the command line. Every failure is a config_error that names the
 * option and the path, never the file's content (it may hold secrets).
 */
export async function readJsonFile(filePath: string, option: string): Promise<unknown> {
  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    throw configError(`${option} ${filePath}: the file does not exist or cannot be read. Check the path.`);
  }
  if (size > MAX_INPUT_BYTES) {
    throw configError(
      `${option} ${filePath}: the file is ${size} bytes; that is not a JSON ${option.slice(2)} file.`,
    );
  }
  // Editors on Windows save UTF-8 with a byte order mark; JSON.parse refuses it, people should not.
  const text = (await readFile(filePath, 'utf8')).replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const detail =
      error instanceof SyntaxError ? error.message.replace(/".*"/s, '').trim().slice(0, 200) : 'invalid JSON';
    throw configError(`${option} ${filePath} is not valid JSON (${detail}). Fix the file's syntax.`);
  }
  const tooDeep = firstPathDeeperThan(value, MAX_INPUT_DEPTH);
  if (tooDeep !== undefined) {
    throw configError(
      `${option} ${filePath}: ${tooDeep || 'the top level'} nests more than ${MAX_INPUT_DEPTH} levels deep; ` +
        `no valid ${option.slice(2)} file does. Check that this is the right file.`,
    );
  }
  return value;
}

/** Iterative (no recursion to overflow): the path of the first value nested deeper than `limit`. */
function firstPathDeeperThan(root: unknown, limit: number): string | undefined {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: root, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= limit) return path;
    const entries = Array.isArray(value)
      ? value.map((v, i) => [`[${i}]`, v] as const)
      : Object.entries(value);
    for (const [key, child] of entries) {
      const childPath = Array.isArray(value) ? `${path}${key}` : path ? `${path}.${key}` : key;
      stack.push({ value: child, depth: depth + 1, path: shortPath(childPath) });
    }
  }
  return undefined;
}

function shortPath(path: string): string {
  return path.length <= 120 ? path : `${path.slice(0, 60)}…${path.slice(-40)}`;
}
