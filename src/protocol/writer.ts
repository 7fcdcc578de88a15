import type { Writable } from 'node:stream';
import type { AirbyteMessage } from './messages.js';
import type { Redactor } from './redactor.js';
import { sanitize } from './untrusted-text.js';

/**
 * The one stdout sink: serializes each message as one JSON line, redacts registered secrets and
 * waits for 'drain' when the consumer is slow, so memory does not grow with an unread pipe.
 *
 * One exception to redaction: the config inside a CONTROL CONNECTOR_CONFIG message. The platform
 * stores that object as the connection's new config, so it must carry the real values (the rotated
 * refresh token, and the client secret it already holds); masked, it would overwrite them with
 * asterisks. Its envelope carries no text, and every other message stays redacted.
 */
/** Longest texts a LOG or TRACE error carries; they may quote a server's or a catalog's text. */
export const MESSAGE_LIMITS = { message: 2_000, internalMessage: 4_000, stackTrace: 16_000 } as const;

/** Records are written in chunks of about this size: one write per record was 15% of a sync's CPU. */
export const RECORD_CHUNK_BYTES = 64 * 1024;

export class MessageWriter {
  private closedError: Error | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly out: Writable,
    private readonly redactor: Redactor,
  ) {
    out.on('error', (error: Error) => {
      this.closedError = error;
    });
  }

  /**
   * RECORDs are buffered up to RECORD_CHUNK_BYTES; any other message (STATE, TRACE, LOG, CONTROL)
   * flushes them first and goes out at once, so a STATE never precedes its records and status,
   * errors and rotated credentials are never held back.
   */
  write(message: AirbyteMessage): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    // Everything up to out.write happens synchronously, so even overlapping calls keep their order.
    if (message.type === 'CONTROL' && message.control.type === 'CONNECTOR_CONFIG') {
      return this.send(this.takePending() + this.serializeControl(message.control) + '\n');
    }
    const json = JSON.stringify(boundedText(message, this.redactor));
    this.pending.push(json);
    this.pendingBytes += json.length;
    if (message.type !== 'RECORD' || this.pendingBytes >= RECORD_CHUNK_BYTES)
      return this.send(this.takePending());
    return Promise.resolve();
  }

  /**
   * One JSON line that is not an Airbyte message (Singer mode's SCHEMA/RECORD/STATE, explain-m's
   * results): redacted like everything else, after whatever is buffered.
   */
  writeJson(line: Record<string, unknown>): Promise<void> {
    return this.writeJsonText(JSON.stringify(line));
  }

  /** The same for a line already serialized as JSON (one line, no newline). */
  writeJsonText(json: string): Promise<void> {
    if (this.closedError) return Promise.reject(this.closedError);
    return this.send(this.takePending() + this.redactor.redact(json) + '\n');
  }

  /** Writes whatever is buffered (call once at the end of a command). */
  flush(): Promise<void> {
    return this.send(this.takePending());
  }

  private takePending(): string {
    if (this.pending.length === 0) return '';
    const text = this.redactor.redact(this.pending.join('\n')) + '\n';
    this.pending = [];
    this.pendingBytes = 0;
    return text;
  }

  private async send(text: string): Promise<void> {
    if (this.closedError) throw this.closedError;
    if (text === '' || this.out.write(text)) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        this.out.off('error', onError);
        resolve();
      };
      const onError = (error: Error): void => {
        this.out.off('drain', onDrain);
        reject(error);
      };
      this.out.once('drain', onDrain);
      this.out.once('error', onError);
    });
  }

  private serializeControl(control: Extract<AirbyteMessage, { type: 'CONTROL' }>['control']): string {
    const { emitted_at: emittedAt, connectorConfig } = control;
    return JSON.stringify({
      type: 'CONTROL',
      control: {
        type: 'CONNECTOR_CONFIG',
        emitted_at: emittedAt,
        connectorConfig: { config: connectorConfig.config },
      },
    });
  }
}

/**
 * LOG and TRACE error texts are redacted, cut and stripped of control characters here, before
 * serialization: redacting only the serialized chunk would be too late for a cut that splits a
 * secret. Records are left as they are: their fields are data.
 */
function boundedText(message: AirbyteMessage, redactor: Redactor): AirbyteMessage {
  const safe = (text: string, max: number) => sanitize(redactor.redact(text), max);
  if (message.type === 'LOG') {
    const { stack_trace: stack, ...log } = message.log;
    return {
      type: 'LOG',
      log: {
        ...log,
        message: safe(log.message, MESSAGE_LIMITS.internalMessage),
        ...(stack !== undefined && { stack_trace: safe(stack, MESSAGE_LIMITS.stackTrace) }),
      },
    };
  }
  if (message.type === 'CONNECTION_STATUS' && message.connectionStatus.message !== undefined) {
    const { connectionStatus } = message;
    return {
      type: 'CONNECTION_STATUS',
      connectionStatus: {
        ...connectionStatus,
        message: safe(connectionStatus.message!, MESSAGE_LIMITS.message),
      },
    };
  }
  if (message.type !== 'TRACE' || message.trace.type !== 'ERROR') return message;
  const { error } = message.trace;
  return {
    type: 'TRACE',
    trace: {
      ...message.trace,
      error: {
        ...error,
        message: safe(error.message, MESSAGE_LIMITS.message),
        ...(error.internal_message !== undefined && {
          internal_message: safe(error.internal_message, MESSAGE_LIMITS.internalMessage),
        }),
        ...(error.stack_trace !== undefined && {
          stack_trace: safe(error.stack_trace, MESSAGE_LIMITS.stackTrace),
        }),
      },
    },
  };
}

/** One message as a JSON line's text (no newline), bounded and redacted: what the writer sends. */
export function serializeMessage(message: AirbyteMessage, redactor: Redactor): string {
  return redactor.redact(JSON.stringify(boundedText(message, redactor)));
}
