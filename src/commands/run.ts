import type { Readable, Writable } from 'node:stream';
import { readJsonFile } from '../config/json-file.js';
import { asConnectorError, type ConnectorError } from '../errors.js';
import { connectionStatusMessage, errorTraceMessage, type AirbyteMessage } from '../protocol/messages.js';
import { Redactor } from '../protocol/redactor.js';
import { sanitize } from '../protocol/untrusted-text.js';
import { MessageWriter, serializeMessage } from '../protocol/writer.js';
import { HELP_TEXT, parseArgs, type ParsedArgs } from './args.js';
import type { CommandContext } from './context.js';

export interface ProcessIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stderrIsTty: boolean;
  /** Aborted on SIGTERM/SIGINT: the read stops at once; its last STATE is the resume point. */
  signal?: AbortSignal;
  /** The run's redactor; main creates it so its last-resort error handler can redact too. */
  redactor?: Redactor;
}

/** Longest line written to stderr: a server's 20 MB error body is not a progress line. */
const STDERR_LINE_LIMIT = 2_000;
const STATUS_LINE_LIMIT = 300;

/** Writes for humans: redacted first, then cut and with control characters shown as escapes. */
export function stderrWriters(io: ProcessIo, redactor: Redactor) {
  return {
    progress: (line: string) => {
      io.stderr.write(sanitize(redactor.redact(line), STDERR_LINE_LIMIT) + '\n');
    },
    liveStatus: (line: string) => {
      io.stderr.write(`\r\x1b[2K${sanitize(redactor.redact(line), STATUS_LINE_LIMIT, true)}`);
    },
  };
}

type Messages = Iterable<AirbyteMessage> | AsyncIterable<AirbyteMessage>;

/**
 * Each command's modules are imported when it runs: Airbyte starts a process per command, and
 * loading every command's dependencies (ajv, MSAL, axios, the streams) cost `spec` most of its time.
 * A failure while loading one is thrown here and reported like any other failure of the command.
 */
async function dispatch(args: ParsedArgs, context: CommandContext): Promise<Messages> {
  switch (args.command) {
    case 'spec': {
      const { specCommand } = await import('./spec.js');
      return specCommand();
    }
    case 'discover': {
      const { discoverCommand } = await import('./discover.js');
      return discoverCommand(await readJsonFile(args.config!, '--config'), context.redactor);
    }
    case 'read': {
      const { loadReadInputs, readCommand } = await import('./read.js');
      const inputs = {
        config: args.config!,
        catalog: args.catalog!,
        ...(args.state && { state: args.state }),
      };
      return readCommand(() => loadReadInputs(inputs), context);
    }
    case 'check': {
      const { checkCommand } = await import('./check.js');
      return checkCommand(await readJsonFile(args.config!, '--config'), context);
    }
    case 'explain-m':
    case 'catalog':
    case 'help':
      throw new Error(`${args.command} writes plain text or JSON and is run by runConnector directly`);
  }
}

/** Plain text for a human (--help): no protocol framing, no redaction needed. */
export function writeText(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (error) => (error ? reject(error) : resolve())));
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

function errorTraceFor(error: ConnectorError, thrown: unknown): AirbyteMessage {
  return errorTraceMessage({
    message:
      error.retryAfterMs === undefined
        ? error.message
        : `${error.message} Retry after ${new Date(error.retryAfterMs).toISOString()}.`,
    failureType: error.failureType,
    internalMessage: [error.vendorCode, error.internalMessage].filter(Boolean).join(': ') || undefined,
    stackTrace: error.failureType === 'system_error' && thrown instanceof Error ? thrown.stack : undefined,
  });
}

/**
 * The last-resort report for an error nothing else caught (main installs it for uncaught
 * exceptions and rejections): a classified TRACE line for stdout and a hint for stderr, both
 * redacted and bounded, so Node never prints a raw message or stack that may quote a secret.
 */
export function fatalErrorLines(thrown: unknown, redactor: Redactor): { stdout: string; stderr: string } {
  const error = asConnectorError(thrown);
  return {
    stdout: serializeMessage(errorTraceFor(error, thrown), redactor) + '\n',
    stderr: sanitize(redactor.redact(hintFor(error)), STDERR_LINE_LIMIT) + '\n',
  };
}

/**
 * Runs one connector command: every protocol message goes through the one writer; a failure
 * becomes a TRACE error (check turns a config_error into CONNECTION_STATUS FAILED, as Airbyte
 * expects) plus a one-line hint on stderr. Returns the process exit code.
 */
export async function runConnector(argv: readonly string[], io: ProcessIo): Promise<number> {
  const redactor = io.redactor ?? new Redactor();
  const writer = new MessageWriter(io.stdout, redactor);
  const context: CommandContext = {
    redactor,
    ...stderrWriters(io, redactor),
    interactive: io.stderrIsTty,
    ...(io.signal && { signal: io.signal }),
  };
  let command: string | undefined;
  try {
    const args = parseArgs(argv);
    command = args.command;
    if (args.command === 'help') {
      await writeText(io.stdout, HELP_TEXT);
      return 0;
    }
    if (args.command === 'catalog') {
      const { configuredCatalog } = await import('./catalog.js');
      const raw = await readJsonFile(args.config!, '--config');
      await writer.writeJson({ ...configuredCatalog(raw, redactor, args) });
      return 0;
    }
    if (args.command === 'explain-m') {
      // Loaded on demand: the M and SQL parsers cost ~30 MB, and no other command needs them here.
      const { explainMCommand } = await import('./explain-m.js');
      await explainMCommand(io, args.config, redactor, args.columns === true);
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
    await writer.write(errorTraceFor(error, thrown));
    context.progress(hintFor(error));
    return 1;
  }
}
