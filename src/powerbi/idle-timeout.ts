import { PassThrough, type Readable } from 'node:stream';

/**
 * A response body that stops delivering data for `idleMs` is destroyed with an ETIMEDOUT error, so
 * a hung scanResult download fails (and is retried) instead of hanging the sync. The timer pauses
 * while the consumer applies backpressure: a slow consumer is not a slow server.
 */
export function withIdleTimeout(source: Readable, idleMs: number): Readable {
  const output = new PassThrough();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const error = Object.assign(new Error(`no data received for ${idleMs} ms`), { code: 'ETIMEDOUT' });
      source.destroy(error);
    }, idleMs);
  };
  const disarm = () => clearTimeout(timer);
  source.on('data', (chunk: Buffer) => {
    if (!output.write(chunk)) {
      disarm();
      source.pause();
      output.once('drain', () => {
        arm();
        source.resume();
      });
      return;
    }
    arm();
  });
  source.once('end', () => {
    disarm();
    output.end();
  });
  source.once('error', (error) => {
    disarm();
    output.destroy(error);
  });
  output.once('close', () => {
    disarm();
    if (!source.destroyed) source.destroy();
  });
  arm();
  return output;
}
