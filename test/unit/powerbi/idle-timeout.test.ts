import { PassThrough } from 'node:stream';
import { withIdleTimeout } from '../../../src/powerbi/idle-timeout.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withIdleTimeout', () => {
  it('fails a body that stops delivering data with ETIMEDOUT', async () => {
    const source = new PassThrough();
    const body = withIdleTimeout(source, 100);
    const received: string[] = [];
    const done = (async () => {
      for await (const chunk of body) received.push(String(chunk));
    })();
    source.write('{"workspaces":[');
    const error = await done.catch((e: unknown) => e);
    expect(received).toEqual(['{"workspaces":[']);
    expect((error as { code?: string }).code).toBe('ETIMEDOUT');
    expect(source.destroyed).toBe(true);
  });

  it('does not time out while the consumer, not the server, is slow', async () => {
    const source = new PassThrough({ highWaterMark: 4 });
    const body = withIdleTimeout(source, 100);
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 8; i += 1) source.write(big);
    source.end();
    await tick(300); // nobody reads: backpressure, not an idle server
    let size = 0;
    for await (const chunk of body) size += (chunk as Buffer).length;
    expect(size).toBe(8 * big.length);
  });

  it('passes a complete body through and releases the source when the consumer stops early', async () => {
    const source = new PassThrough();
    const body = withIdleTimeout(source, 1000);
    source.write('first chunk');
    for await (const chunk of body) {
      expect(String(chunk)).toBe('first chunk');
      break;
    }
    await tick(10);
    expect(source.destroyed).toBe(true);
  });
});
