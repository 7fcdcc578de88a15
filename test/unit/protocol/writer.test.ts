import { Writable } from 'node:stream';
import { recordMessage, logMessage } from '../../../src/protocol/messages.js';
import { Redactor } from '../../../src/protocol/redactor.js';
import { MessageWriter } from '../../../src/protocol/writer.js';

/** A consumer that accepts one chunk at a time and only when told to: a slow pipe. */
class SlowSink extends Writable {
  readonly chunks: string[] = [];
  private pending: (() => void)[] = [];
  constructor() {
    super({ highWaterMark: 1024 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    this.pending.push(callback);
  }
  release(): void {
    const callbacks = this.pending;
    this.pending = [];
    callbacks.forEach((cb) => cb());
  }
}

describe('MessageWriter', () => {
  test('writes one JSON object per line and redacts registered secrets, including JSON-escaped forms', async () => {
    const sink = new SlowSink();
    const redactor = new Redactor();
    redactor.register('p@ss"word-123');
    const writer = new MessageWriter(sink, redactor);
    const done = writer.write(logMessage('INFO', 'secret is p@ss"word-123 here'));
    sink.release();
    await done;
    const line = sink.chunks.join('');
    expect(line.endsWith('\n')).toBe(true);
    expect(line).not.toContain('word-123');
    expect(JSON.parse(line)).toMatchObject({ type: 'LOG', log: { message: 'secret is ********** here' } });
  });

  test('waits for drain when the consumer is slow, so buffered output stays bounded', async () => {
    const sink = new SlowSink();
    const writer = new MessageWriter(sink, new Redactor());
    const big = 'x'.repeat(2000);
    let written = 0;
    const producer = (async () => {
      for (let i = 0; i < 50; i += 1) {
        await writer.write(recordMessage('s', { big, i }));
        written += 1;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Above the high-water mark the producer must be parked on 'drain', not racing ahead.
    expect(written).toBeLessThanOrEqual(2);
    expect(sink.writableLength).toBeLessThan(10_000);
    while (written < 50) {
      sink.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await producer;
    sink.release();
    expect(
      sink.chunks.map((c) => (JSON.parse(c) as { record: { data: { i: number } } }).record.data.i),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
