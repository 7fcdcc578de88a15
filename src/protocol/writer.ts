import type { Writable } from 'node:stream';
import type { AirbyteMessage } from './messages.js';
import type { Redactor } from './redactor.js';

/**
 * The one stdout sink: serializes each message as one JSON line, redacts registered secrets and
 * waits for 'drain' when the consumer is slow, so memory does not grow with an unread pipe.
 *
 * One exception to redaction: the config inside a CONTROL CONNECTOR_CONFIG message. The platform
 * stores that object as the connection's new config, so it must carry the real values (the rotated
 * refresh token, and the client secret it already holds); masked, it would overwrite them with
 * asterisks. Its envelope carries no text, and every other message stays redacted.
 */
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
    const json = JSON.stringify(message);
    this.pending.push(json);
    this.pendingBytes += json.length;
    if (message.type !== 'RECORD' || this.pendingBytes >= RECORD_CHUNK_BYTES)
      return this.send(this.takePending());
    return Promise.resolve();
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
