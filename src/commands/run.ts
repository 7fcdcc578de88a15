import type { Readable, Writable } from 'node:stream';
import { readJsonFile } from '../config/json-file.js';
import { asConnectorError, type ConnectorError } from '../errors.js';
import { connectionStatusMessage, errorTraceMessage, type AirbyteMessage } from '../protocol/messages.js';
import { Redactor } from '../protocol/redactor.js';
import { MessageWriter } from '../protocol/writer.js';
import { parseArgs, type ParsedArgs } from './args.js';
import { checkCommand } from './check.js';
import type { CommandContext } from './context.js';
import { discoverCommand } from './discover.js';
import { loadReadInputs, readCommand } from './read.js';
import { specCommand } from './spec.js';

export interface ProcessIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stderrIsTty: boolean;
  /** Aborted on SIGTERM/SIGINT: the read stops at once; its last STATE is the resume point. */
  signal?: AbortSignal;
}

type Messages = Iterable<AirbyteMessage> | AsyncIterable<AirbyteMessage>;

async function dispatch(args: ParsedArgs, context: CommandContext): Promise<Messages> {
  switch (args.command) {
    case 'spec':
      return specCommand();
    case 'discover':
      return discoverCommand(await readJsonFile(args.config!, '--config'), context.redactor);
    case 'read':
      return readCommand(
        () =>
          loadReadInputs({
            config: args.config!,
            catalog: args.catalog!,
            ...(args.state && { state: args.state }),
          }),
        context,
      );
    case 'check':
      return checkCommand(await readJsonFile(args.config!, '--config'), context);
    case 'explain-m':
      throw new Error('explain-m writes plain JSON lines and is run by runConnector directly');
  }
}

function hintFor(error: ConnectorError): string {
  const kind =
    error.failureType === 'config_error'
      ? 'fix the input'
      : error.failureType === 'transient_error'
        ? 'retry later'
        : 'report a bug';
  return `source-powerbi: ${error.failureType} (${kind}): ${error.message}`;
}

/**
 * Runs one connector command: every protocol message goes through the one writer; a failure
 * becomes a TRACE error (check turns a config_error into CONNECTION_STATUS FAILED, as Airbyte
 * expects) plus a one-line hint on stderr. Returns the process exit code.
 */
export async function runConnector(argv: readonly string[], io: ProcessIo): Promise<number> {
  const redactor = new Redactor();
  const writer = new MessageWriter(io.stdout, redactor);
  const context: CommandContext = {
    redactor,
    progress: (line) => io.stderr.write(redactor.redact(line) + '\n'),
    liveStatus: (line) => io.stderr.write(`\r\x1b[2K${redactor.redact(line)}`),
    interactive: io.stderrIsTty,
    ...(io.signal && { signal: io.signal }),
  };
  let command: string | undefined;
  try {
    const args = parseArgs(argv);
    command = args.command;
    if (args.command === 'explain-m') {
      // Loaded on demand: the M and SQL parsers cost ~30 MB, and no other command needs them here.
      const { explainMCommand } = await import('./explain-m.js');
      await explainMCommand(io, args.config, redactor);
      return 0;
    }
    for await (const message of await dispatch(args, context)) await writer.write(message);
    await writer.flush();
    return 0;
  } catch (thrown) {
    const error = asConnectorError(thrown);
    if (command === 'check' && error.failureType === 'config_error') {
      await writer.write(connectionStatusMessage('FAILED', error.message));
      return 0;
    }
    await writer.write(
      errorTraceMessage({
        message:
          error.retryAfterMs === undefined
            ? error.message
            : `${error.message} Retry after ${new Date(error.retryAfterMs).toISOString()}.`,
        failureType: error.failureType,
        internalMessage: [error.vendorCode, error.internalMessage].filter(Boolean).join(': ') || undefined,
        stackTrace:
          error.failureType === 'system_error' && thrown instanceof Error ? thrown.stack : undefined,
      }),
    );
    context.progress(hintFor(error));
    return 1;
  }
}
