/**
 * The shared reference folder beside the checkout (../shared): Power BI samples, the official Airbyte
 * schemas and a peer project's test cases, read at test time and never copied into the repository.
 * A clone without it still runs every suite: each falls back to what the repository has and skips
 * only the cases that need the reference itself. The Jest run checks the folder once
 * (test/global-setup.ts: one notice, or a failure in CI); the helpers then stay quiet.
 */
import { existsSync } from 'node:fs';
import { RUN_ENV, sharedReferenceFiles } from '../global-setup.js';
import { sharedDir } from './paths.js';

const files = sharedReferenceFiles(sharedDir);

export type SharedReference = keyof typeof files;

export function sharedPath(reference: SharedReference): string {
  return files[reference].file;
}

export function sharedAvailable(reference: SharedReference): boolean {
  return existsSync(files[reference].file);
}

/** Outside a Jest run (a script importing a helper), a helper still says what it skips, itself. */
export function warnWhenMissing(reference: SharedReference): void {
  if (process.env[RUN_ENV.sharedChecked] === '1' || sharedAvailable(reference)) return;
  console.warn(`${files[reference].file} not found: skipped ${files[reference].checks}.`);
}
