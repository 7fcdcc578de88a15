#!/usr/bin/env node
import { writeSync } from 'node:fs';
import { fatalErrorLines } from './commands/run.js';
import { runSinger } from './commands/singer.js';
import { transientError } from './errors.js';
import { Redactor } from './protocol/redactor.js';

/** Singer entry point (tap-powerbi): the only other file that touches process, like main.ts. */
const redactor = new Redactor();

// Last resort, as in main.ts; Singer's stdout carries no error messages, so only stderr is written.
function failHard(error: unknown): never {
  try {
    writeSync(2, `CRITICAL ${fatalErrorLines(error, redactor).stderr}`);
  } finally {
    process.exit(1);
  }
}
process.on('uncaughtException', failHard);
process.on('unhandledRejection', failHard);

const interrupt = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    interrupt.abort(transientError(`The sync was stopped (${signal}). Rerun with the last STATE to resume.`));
  });
}

process.exitCode = await runSinger(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTty: process.stderr.isTTY === true,
  signal: interrupt.signal,
  redactor,
});
