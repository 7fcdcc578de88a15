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

const DONE: Promise<void> = Promise.resolve();
const NEWLINE = 0x0a;

/**
 * Output lines encoded as UTF-8 into one buffer as they come: joining the lines' strings and then
 * encoding the result cost several times the encoding alone (one line with a character outside
 * Latin-1 made the whole joined chunk a two-byte string).
 */
class LineBuffer {
  private bytes = Buffer.allocUnsafe(2 * RECORD_CHUNK_BYTES);
  private used = 0;

  get size(): number {
    return this.used;
  }

  append(line: string): void {
    // A UTF-16 code unit takes at most 3 bytes of UTF-8 (a surrogate pair: 4 for its two units).
    const most = 3 * line.length + 1;
    if (this.used + most > this.bytes.length) this.grow(this.used + most);
    this.used += this.bytes.write(line, this.used, 'utf8');
    this.bytes[this.used++] = NEWLINE;
  }

  /**
   * The lines so far, in a buffer of their own (a queued write must not see this one change). A
   * chunk of records takes the buffer with it; a few small lines (a STATE, a LOG) are copied out,
   * so a queued write does not hold a mostly empty buffer.
   */
  take(): Buffer {
    if (this.used === 0) return EMPTY;
    const used = this.used;
    this.used = 0;
    if (used >= RECORD_CHUNK_BYTES / 2 || this.bytes.length > 2 * RECORD_CHUNK_BYTES) {
      const lines = this.bytes.subarray(0, used);
      this.bytes = Buffer.allocUnsafe(2 * RECORD_CHUNK_BYTES);
      return lines;
    }
    const lines = Buffer.allocUnsafe(used);
    this.bytes.copy(lines, 0, 0, used);
    return lines;
  }

  private grow(needed: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(needed, 2 * this.bytes.length));
    this.bytes.copy(bigger, 0, 0, this.used);
    this.bytes = bigger;
  }
}

const EMPTY = Buffer.alloc(0);

export class MessageWriter {
  private closedError: Error | undefined;
  /** Lines not written yet: RECORDs waiting for a full chunk (and the line that flushes them). */
  private pending = new LineBuffer();

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
      const control = Buffer.from(this.serializeControl(message.control) + '\n', 'utf8');
      const before = this.takePending();
      return this.send(before.length === 0 ? control : Buffer.concat([before, control]));
    }
    if (message.type === 'RECORD') {
      // Records are data: serialized as they are, straight into the chunk.
      this.pending.append(JSON.stringify(message));
      return this.pending.size >= RECORD_CHUNK_BYTES ? this.send(this.takePending()) : DONE;
    }
    this.pending.append(JSON.stringify(boundedText(message, this.redactor)));
    return this.send(this.takePending());
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
    this.pending.append(json);
    return this.send(this.takePending());
  }

  /** Writes whatever is buffered (call once at the end of a command). */
  flush(): Promise<void> {
    return this.send(this.takePending());
  }

  /** The buffered lines, redacted; the buffer starts again empty. */
  private takePending(): Buffer {
    return this.redactor.redactBytes(this.pending.take());
  }

  private async send(bytes: Buffer): Promise<void> {
    if (this.closedError) throw this.closedError;
    if (bytes.length === 0 || this.out.write(bytes)) return;
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
