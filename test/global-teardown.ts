/**
 * Runs once after every test file (and after Jest's summary): removes the run's temporary folder,
 * lists temporary folders of ours written beside it since the run started (a process without the
 * run's TMPDIR, or a fixed path; CI fails on them), and gives the one notice of what the absent
 * shared reference folder left unchecked. Jest loads it with Node's own resolver: it imports Node only.
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

/** What test/global-setup.ts left for this hook (the same process and global object). */
interface RunInfo {
  tmpRoot: string;
  tmpBase: string;
  startedMs: number;
  sharedNotice: string;
}

/** The names this project's tests and tools give their temporary folders. */
const OURS = /^(source-powerbi|tap-powerbi|bad-input|parser-probe)-/;

function createdSince(file: string, startedMs: number): boolean {
  try {
    return statSync(file).ctimeMs >= startedMs;
  } catch {
    return false; // removed meanwhile
  }
}

function escapedSince(base: string, startedMs: number): string[] {
  return readdirSync(base)
    .filter((name) => OURS.test(name) && !name.startsWith('source-powerbi-jest-'))
    .map((name) => path.join(base, name))
    .filter((file) => createdSince(file, startedMs));
}

export default function globalTeardown(): void {
  const run = (globalThis as { sourcePowerbiRun?: RunInfo }).sourcePowerbiRun;
  if (!run) return;
  if (run.sharedNotice) console.warn(`\n${run.sharedNotice}`);
  rmSync(run.tmpRoot, { recursive: true, force: true });
  Object.assign(process.env, { TMPDIR: run.tmpBase, TMP: run.tmpBase, TEMP: run.tmpBase });
  const escaped = escapedSince(run.tmpBase, run.startedMs);
  if (escaped.length === 0) return;
  const message = [
    'Temporary folders written beside the run folder (a process without its TMPDIR, or a fixed path):',
    ...escaped.map((file) => `  ${file}`),
  ].join('\n');
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`\n${message}\n(On a shared machine another process may have made them; CI fails on them.)`);
}
