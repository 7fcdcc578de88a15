import { readFile, stat } from 'node:fs/promises';
import { configError } from '../errors.js';

/** Larger inputs are not configs, catalogs or states but a wrong path; refuse before reading them. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

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
  const text = await readFile(filePath, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message.replace(/".*"/s, '').trim() : 'invalid JSON';
    throw configError(`${option} ${filePath} is not valid JSON (${detail}). Fix the file's syntax.`);
  }
}
