#!/usr/bin/env node
import { runSinger } from './commands/singer.js';
import { transientError } from './errors.js';

/** Singer entry point (tap-powerbi): the only other file that touches process, like main.ts. */
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
});
