#!/usr/bin/env node
import { writeSync } from 'node:fs';
import { fatalErrorLines, runConnector } from './commands/run.js';
import { transientError } from './errors.js';
import { Redactor } from './protocol/redactor.js';

/** The only place that touches process: argv in, exit code out, signals turned into a clean stop. */
const redactor = new Redactor();

// Last resort: Node's own report of an uncaught error prints its message and stack raw, and those
// may quote a secret. Instead: a redacted, classified TRACE on stdout, a hint on stderr, exit 1.
function failHard(error: unknown): never {
  const lines = fatalErrorLines(error, redactor);
  try {
    writeSync(1, lines.stdout);
    writeSync(2, lines.stderr);
  } finally {
    process.exit(1);
  }
}
process.on('uncaughtException', failHard);
process.on('unhandledRejection', failHard);

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
  redactor,
});
process.exitCode = exitCode;
