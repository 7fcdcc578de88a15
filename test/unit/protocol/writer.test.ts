import { Writable } from 'node:stream';
import {
  configControlMessage,
  connectionStatusMessage,
  errorTraceMessage,
  recordMessage,
  logMessage,
  streamStateMessage,
} from '../../../src/protocol/messages.js';
import { Redactor } from '../../../src/protocol/redactor.js';
import { MessageWriter, RECORD_CHUNK_BYTES } from '../../../src/protocol/writer.js';

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
    const total = 200;
    let written = 0;
    const producer = (async () => {
      for (let i = 0; i < total; i += 1) {
        await writer.write(recordMessage('s', { big, i }));
        written += 1;
      }
      await writer.flush();
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Past one chunk the producer must be parked on 'drain', not racing ahead.
    const perChunk = Math.ceil(RECORD_CHUNK_BYTES / 2000);
    expect(written).toBeLessThanOrEqual(perChunk + 1);
    expect(sink.writableLength).toBeLessThan(2 * RECORD_CHUNK_BYTES);
    while (written < total) {
      sink.release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    sink.release();
    await producer;
    sink.release();
    const lines = sink.chunks.join('').split('\n').filter(Boolean);
    expect(lines.map((l) => (JSON.parse(l) as { record: { data: { i: number } } }).record.data.i)).toEqual(
      Array.from({ length: total }, (_, i) => i),
    );
  });

  test('records are written in chunks, and any other message flushes them first, in order', async () => {
    const sink = new SlowSink();
    const writer = new MessageWriter(sink, new Redactor());
    const done = (async () => {
      await writer.write(recordMessage('s', { i: 1 }));
      await writer.write(recordMessage('s', { i: 2 }));
      await writer.write(streamStateMessage('s', { cursor: 'x' }, 2));
      await writer.write(recordMessage('s', { i: 3 }));
    })();
    sink.release();
    await done;
    sink.release();
    expect(sink.chunks).toHaveLength(1);
    const types = sink.chunks[0]!.split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(['RECORD', 'RECORD', 'STATE']);
    const flushing = writer.flush();
    sink.release();
    await flushing;
    expect(sink.chunks).toHaveLength(2);
    expect(sink.chunks[1]).toContain('"i":3');
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
      writer.flush(),
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

describe('MessageWriter bounds LOG, TRACE and CONNECTION_STATUS texts', () => {
  class Sink extends Writable {
    text = '';
    override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
      this.text += chunk.toString();
      callback();
    }
  }

  test('a 20 MB error text is cut, redacted before the cut, and its control characters escaped', async () => {
    const secret = 'tok-'.repeat(600);
    const redactor = new Redactor();
    redactor.register(secret);
    const sink = new Sink();
    const writer = new MessageWriter(sink, redactor);
    const huge = `${'e'.repeat(1_900)}${secret}\u001b]0;x\u0007${'z'.repeat(20_000_000)}`;
    await writer.write(
      errorTraceMessage({
        message: huge,
        failureType: 'system_error',
        internalMessage: huge,
        stackTrace: huge,
      }),
    );
    await writer.write(logMessage('WARN', huge));
    await writer.write(connectionStatusMessage('FAILED', huge));
    await writer.flush();
    expect(sink.text.length).toBeLessThan(200_000);
    expect(sink.text).not.toContain('tok-tok');
    expect(sink.text).not.toContain('\u001b]0;x');
    const [trace, log, status] = sink.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Message);
    expect(trace!.trace.error.message).toMatch(
      /^e{1900}\*{10}\\u001b\]0;x\\u0007z+… \[\d+ more characters\]$/,
    );
    expect(trace!.trace.error.internal_message.length).toBeLessThan(4_100);
    expect(trace!.trace.error.stack_trace.length).toBeLessThan(16_100);
    expect(log!.log.message.length).toBeLessThan(4_100);
    expect(status!.connectionStatus.message.length).toBeLessThan(2_100);
  });
});

interface Message {
  trace: { error: { message: string; internal_message: string; stack_trace: string } };
  log: { message: string };
  connectionStatus: { message: string };
}
