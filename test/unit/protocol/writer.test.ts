import { Writable } from 'node:stream';
import { configControlMessage, recordMessage, logMessage } from '../../../src/protocol/messages.js';
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

  test('CONTROL config carries real secret values (the platform stores it); everything else stays masked', async () => {
    const sink = new SlowSink();
    const redactor = new Redactor();
    const secret = 'client-secret-value-123';
    const rotated = 'new-refresh-token-456';
    redactor.register(secret);
    redactor.register(rotated);
    const writer = new MessageWriter(sink, redactor);
    const config = { credentials: { client_secret: secret, refresh_token: rotated }, cloud: 'public' };
    const control = configControlMessage(config);
    const pending = [
      writer.write(control),
      writer.write(logMessage('INFO', `rotated to ${rotated} using ${secret}`)),
      writer.write(recordMessage('s', { token: rotated })),
    ];
    sink.release();
    await Promise.all(pending);
    sink.release();
    const [controlLine, logLine, recordLine] = sink.chunks;
    expect(JSON.parse(controlLine!)).toEqual(control);
    for (const line of [logLine!, recordLine!]) {
      expect(line).not.toContain(rotated);
      expect(line).not.toContain(secret);
    }
  });

  test('only type, emitted_at and config of a CONTROL message go out unredacted', async () => {
    const sink = new SlowSink();
    const redactor = new Redactor();
    redactor.register('smuggled-secret');
    const writer = new MessageWriter(sink, redactor);
    const control = configControlMessage({ cloud: 'public' });
    if (control.type !== 'CONTROL') throw new Error('configControlMessage must build a CONTROL message');
    const tampered = {
      ...control,
      note: 'smuggled-secret',
      control: { ...control.control, extra: 'smuggled-secret' },
    };
    const done = writer.write(tampered);
    sink.release();
    await done;
    expect(sink.chunks.join('')).not.toContain('smuggled-secret');
    expect(JSON.parse(sink.chunks.join(''))).toEqual(control);
  });
});
