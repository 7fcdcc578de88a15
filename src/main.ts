#!/usr/bin/env node
import { runConnector } from './commands/run.js';

/** The only place that touches process: argv in, exit code out. */
const exitCode = await runConnector(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTty: process.stderr.isTTY === true,
});
process.exitCode = exitCode;
