/**
 * The writer encodes lines straight into a byte chunk and redacts that chunk with a byte search
 * (Redactor.redactBytes): the output must be what redacting and encoding the text gives.
 */
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { logMessage, recordMessage, streamStateMessage } from '../../../src/protocol/messages.js';
import { Redactor } from '../../../src/protocol/redactor.js';
import { MessageWriter, RECORD_CHUNK_BYTES } from '../../../src/protocol/writer.js';

/** Keeps every chunk as given (a Buffer); accepts none until opened, then every one at once. */
class HoldingSink extends Writable {
  readonly chunks: Buffer[] = [];
  private held: (() => void)[] | undefined = [];
  constructor() {
    super({ highWaterMark: 16 * RECORD_CHUNK_BYTES });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk);
    if (this.held) this.held.push(callback);
    else callback();
  }
  open(): void {
    const held = this.held ?? [];
    this.held = undefined;
    held.forEach((callback) => callback());
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const secretText = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.string({
    unit: fc.constantFrom('a', 'é', '😀', '"', '\\', '\n', ' ', '\ud800', 'x'),
    minLength: 1,
    maxLength: 12,
  }),
);

describe('Redactor.redactBytes', () => {
  it('gives the UTF-8 of what redact gives, for JSON text holding secrets anywhere', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(secretText, { minLength: 1, maxLength: 4 }),
          // Secrets inside secrets (a token and a longer one that contains it).
          fc.tuple(secretText, secretText).map(([a, b]) => [a, `${b}${a}${b}`]),
        ),
        fc.array(
          fc.oneof(
            fc.string({ unit: 'binary' }),
            fc.nat(3),
            // A part of a secret (a trimmed or a single-line form of it, or no form at all).
            fc.tuple(fc.nat(3), fc.nat(20), fc.nat(20)),
          ),
          { maxLength: 12 },
        ),
        (secrets, parts) => {
          const redactor = new Redactor();
          secrets.forEach((secret) => redactor.register(secret));
          const value = parts.map((part) => {
            if (typeof part === 'string') return part;
            if (typeof part === 'number') return secrets[part % secrets.length]!;
            const [which, from, to] = part;
            return secrets[which % secrets.length]!.slice(from, from + to);
          });
          // What the writer redacts is serialized JSON: a string value and the text of an array.
          const text = `${JSON.stringify(value.join(''))}\n${JSON.stringify(value)}\n`;
          const expected = Buffer.from(redactor.redact(text), 'utf8');
          expect(redactor.redactBytes(Buffer.from(text, 'utf8')).equals(expected)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns the very chunk when no secret occurs in it', () => {
    const redactor = new Redactor();
    redactor.register('a-secret-value-1');
    const chunk = Buffer.from('{"data":"nothing secret here – ünïcödé 😀"}\n');
    expect(redactor.redactBytes(chunk)).toBe(chunk);
  });
});

describe('MessageWriter output chunks', () => {
  it('writes records of any text, and a record bigger than a chunk, as the JSON lines they are', async () => {
    const sink = new HoldingSink();
    const redactor = new Redactor();
    redactor.register('client-secret-in-data');
    const writer = new MessageWriter(sink, redactor);
    const records = [
      { name: 'Ünïcödé 财务 😀', note: 'x'.repeat(100) },
      { big: '😀é"\\\n'.repeat(3 * RECORD_CHUNK_BYTES) },
      { leaked: 'before client-secret-in-data after', control: '\u0000\u001f' },
      ...Array.from({ length: 500 }, (_, i) => ({ i, text: `row ${i} – 财务` })),
    ];
    const writes = records.map((data) => writer.write(recordMessage('s', data, 1)));
    writes.push(writer.write(streamStateMessage('s', { cursor: 'c' }, records.length)));
    sink.open();
    await Promise.all(writes);
    const lines = sink.text().split('\n');
    expect(lines.pop()).toBe('');
    const parsed = lines.map((line) => JSON.parse(line) as { type: string; record?: { data: unknown } });
    expect(parsed.at(-1)!.type).toBe('STATE');
    const data = parsed.slice(0, -1).map((message) => message.record!.data);
    expect(data).toEqual([
      records[0],
      records[1],
      { leaked: 'before ********** after', control: '\u0000\u001f' },
      ...records.slice(3),
    ]);
  });

  it('never changes a chunk the sink still holds (each chunk is a buffer of its own)', async () => {
    const sink = new HoldingSink();
    const writer = new MessageWriter(sink, new Redactor());
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 2000; i += 1)
      writes.push(writer.write(recordMessage('s', { i, pad: 'p'.repeat(200) }, 1)));
    writes.push(writer.write(logMessage('INFO', 'done')));
    // Nothing was accepted yet: every chunk but the first is still queued in the stream.
    expect(sink.chunks.length).toBe(1);
    expect(sink.writableLength).toBeGreaterThan(2000 * 200);
    sink.open();
    await Promise.all(writes);
    const lines = sink.text().trim().split('\n');
    const numbers = lines
      .slice(0, -1)
      .map((line) => (JSON.parse(line) as { record: { data: { i: number } } }).record.data.i);
    expect(numbers).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(sink.chunks.length).toBeGreaterThan((2000 * 200) / RECORD_CHUNK_BYTES);
  });
});
