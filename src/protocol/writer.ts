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
export class MessageWriter {
  private closedError: Error | undefined;

  constructor(
    private readonly out: Writable,
    private readonly redactor: Redactor,
  ) {
    out.on('error', (error: Error) => {
      this.closedError = error;
    });
  }

  async write(message: AirbyteMessage): Promise<void> {
    if (this.closedError) throw this.closedError;
    const line = this.serialize(message) + '\n';
    if (this.out.write(line)) return;
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

  private serialize(message: AirbyteMessage): string {
    if (message.type !== 'CONTROL' || message.control.type !== 'CONNECTOR_CONFIG') {
      return this.redactor.redact(JSON.stringify(message));
    }
    const { emitted_at: emittedAt, connectorConfig } = message.control;
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
