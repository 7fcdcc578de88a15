import type { Writable } from 'node:stream';
import type { AirbyteMessage } from './messages.js';
import type { Redactor } from './redactor.js';

/**
 * The one stdout sink: serializes each message as one JSON line, redacts registered secrets and
 * waits for 'drain' when the consumer is slow, so memory does not grow with an unread pipe.
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
    const line = this.redactor.redact(JSON.stringify(message)) + '\n';
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
}
