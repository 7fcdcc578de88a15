/**
 * A small Dockerfile reader for the packaging tests: stages, their instructions (continuations
 * joined, comments dropped), ENV/LABEL pairs, the exec-form ENTRYPOINT; and .dockerignore matching.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (pending === '' && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    if (pending !== '' && line.trim().startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    logical.push(`${pending}${line.trim()}`);
    pending = '';
  }
  if (pending !== '') logical.push(pending.trim());
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^(\S+)\s*(.*)$/.exec(line)!;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === 'FROM') {
      const [image, as, name] = args.split(/\s+/);
      stages.push({
        name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length),
        from: image!,
        instructions: [],
      });
    } else if (stages.length === 0) {
      throw new Error(`Dockerfile: ${keyword} before the first FROM`);
    } else {
      stages.at(-1)!.instructions.push({ keyword, args });
    }
  }
  return stages;
}

export function readDockerfile(): Stage[] {
  return parseDockerfile(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'));
}

/** key=value pairs of ENV or LABEL (values optionally double-quoted); the legacy `ENV key value` too. */
export function keyValues(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  const pair = /([\w.-]+)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  let found = false;
  for (const m of args.matchAll(pair)) {
    out[m[1]!] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    found = true;
  }
  if (!found) {
    const [key, ...rest] = args.split(/\s+/);
    if (key) out[key] = rest.join(' ');
  }
  return out;
}

export function collect(stage: Stage, keyword: 'ENV' | 'LABEL'): Record<string, string> {
  return Object.assign(
    {},
    ...stage.instructions.filter((i) => i.keyword === keyword).map((i) => keyValues(i.args)),
  ) as Record<string, string>;
}

export function entrypointOf(stage: Stage): string[] {
  const entry = stage.instructions.filter((i) => i.keyword === 'ENTRYPOINT').at(-1);
  if (!entry) throw new Error(`stage ${stage.name} has no ENTRYPOINT`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.args);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string'))
    throw new Error('ENTRYPOINT must be in exec (JSON array) form');
  return parsed;
}

/** The last value of a single-valued instruction (USER, WORKDIR) in a stage. */
export function lastOf(stage: Stage, keyword: string): string | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
}

// ---- .dockerignore (Docker's rules: paths relative to the context, *, ?, **, ! exceptions) ----

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A pattern matching a directory excludes everything under it.
  return new RegExp(`^${source}(/.*)?$`);
}

export function readDockerignore(): { pattern: RegExp; exclude: boolean }[] {
  return readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const exclude = !l.startsWith('!');
      const body = path.posix.normalize((exclude ? l : l.slice(1)).replace(/^\/+/, ''));
      return { pattern: globToRegExp(body), exclude };
    });
}

/** Whether a context-relative path (posix separators) is left out of the build context. */
export function isIgnored(relativePath: string, rules = readDockerignore()): boolean {
  let ignored = false;
  for (const rule of rules) if (rule.pattern.test(relativePath)) ignored = rule.exclude;
  return ignored;
}
