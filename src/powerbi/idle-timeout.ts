import { PassThrough, type Readable } from 'node:stream';

/**
 * A response body that stops delivering data for `idleMs` is destroyed with an ETIMEDOUT error, so
 * a hung scanResult download fails (and is retried) instead of hanging the sync. With `totalMs`, a
 * body not complete within that budget fails the same way, so a server that drips a few bytes at a
 * time cannot hold a read forever either. Both timers pause while the consumer applies
 * backpressure: a slow consumer is not a slow server.
 */
export function withIdleTimeout(source: Readable, idleMs: number, totalMs = Infinity): Readable {
  const output = new PassThrough();
  let idleTimer: NodeJS.Timeout | undefined;
  let totalTimer: NodeJS.Timeout | undefined;
  let budgetMs = totalMs;
  let runningSince = Date.now();
  const fail = (message: string) => {
    const error = Object.assign(new Error(message), { code: 'ETIMEDOUT' });
    source.destroy(error);
  };
  const arm = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => fail(`no data received for ${idleMs} ms`), idleMs);
  };
  const startBudget = () => {
    runningSince = Date.now();
    if (Number.isFinite(budgetMs))
      totalTimer = setTimeout(
        () => fail(`the body was not complete within ${totalMs} ms`),
        Math.max(0, budgetMs),
      );
  };
  const stopBudget = () => {
    clearTimeout(totalTimer);
    budgetMs -= Date.now() - runningSince;
  };
  const disarm = () => {
    clearTimeout(idleTimer);
    clearTimeout(totalTimer);
  };
  source.on('data', (chunk: Buffer) => {
    if (!output.write(chunk)) {
      clearTimeout(idleTimer);
      stopBudget();
      source.pause();
      output.once('drain', () => {
        arm();
        startBudget();
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
  startBudget();
  return output;
}
