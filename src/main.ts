#!/usr/bin/env node
import { runConnector } from './commands/run.js';
import { transientError } from './errors.js';

/** The only place that touches process: argv in, exit code out, signals turned into a clean stop. */
const interrupt = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    interrupt.abort(
      transientError(
        `The sync was stopped (${signal}). Everything up to the last STATE is safe: rerun with that state to resume.`,
      ),
    );
  });
}

const exitCode = await runConnector(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTty: process.stderr.isTTY === true,
  signal: interrupt.signal,
});
process.exitCode = exitCode;
