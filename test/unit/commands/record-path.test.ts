/**
 * The per-record path of a read: a synchronous mapping's records are taken without a promise each
 * (StreamRecords), duplicates are dropped by an exact key text, and the channel queues at once
 * while it has room and holds the producer back when it is full.
 */
import fc from 'fast-check';
import { MessageChannel } from '../../../src/commands/read/channel.js';
import type { ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import {
  defineStream,
  isIterable,
  primaryKeyText,
  type MappingContext,
  type StreamRecord,
} from '../../../src/streams/stream.js';

const context: MappingContext = {
  scannedAt: '2026-01-01T00:00:00.000Z',
  userIdentifiers: 'keep',
  lineage: { enabled: false },
};

const keyValue = fc.oneof(fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), fc.boolean());

describe('primaryKeyText', () => {
  it('gives two records the same text exactly when their key fields are equal', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(keyValue, { minLength: 3, maxLength: 3 }),
        fc.array(keyValue, { minLength: 3, maxLength: 3 }),
        (count, a, b) => {
          const fields = ['k0', 'k1', 'k2'].slice(0, count);
          const record = (values: unknown[]): StreamRecord =>
            Object.fromEntries(fields.map((field, i) => [field, values[i]]));
          const same = JSON.stringify(a.slice(0, count)) === JSON.stringify(b.slice(0, count));
          expect(primaryKeyText(record(a), fields) === primaryKeyText(record(b), fields)).toBe(same);
        },
      ),
      { numRuns: 2000 },
    );
    // Joined strings that a plain separator would confuse.
    const fields = ['a', 'b'];
    expect(primaryKeyText({ a: 'x:', b: 'y' }, fields)).not.toBe(primaryKeyText({ a: 'x', b: ':y' }, fields));
    expect(primaryKeyText({ a: '1:x', b: '' }, fields)).not.toBe(primaryKeyText({ a: '', b: '1:x' }, fields));
  });
});

describe('a synchronous mapping', () => {
  const stream = defineStream<{ id: string; n: number }>({
    name: 'workspaces',
    primaryKey: ['id'],
    *fromWorkspace(ws: ScanWorkspace) {
      yield { id: ws.id, n: 1 };
      yield { id: `${ws.id}-b`, n: 2 };
      yield { id: ws.id, n: 3 }; // the same key again: dropped, the first one wins
    },
  });

  it('is iterable without promises and gives what `for await` gives, without duplicate keys', async () => {
    const records = stream.fromWorkspace!({ id: 'w' }, context);
    expect(isIterable(records)).toBe(true);
    const synchronous = isIterable(records) ? [...records] : [];
    const asynchronous: StreamRecord[] = [];
    for await (const record of stream.fromWorkspace!({ id: 'w' }, context)) asynchronous.push(record);
    expect(synchronous).toEqual([
      { id: 'w', n: 1 },
      { id: 'w-b', n: 2 },
    ]);
    expect(asynchronous).toEqual(synchronous);
  });

  it('an asynchronous mapping stays asynchronous, with the same rule', async () => {
    const lazy = defineStream<{ id: string }>({
      name: 'workspaces',
      primaryKey: ['id'],
      async *fromWorkspace(ws: ScanWorkspace) {
        yield await Promise.resolve({ id: ws.id });
        yield { id: ws.id };
      },
    });
    const records = lazy.fromWorkspace!({ id: 'w' }, context);
    expect(isIterable(records)).toBe(false);
    const out: StreamRecord[] = [];
    for await (const record of records) out.push(record);
    expect(out).toEqual([{ id: 'w' }]);
  });
});

describe('MessageChannel', () => {
  it('queues at once while it has room, then holds the producer until the consumer takes items', async () => {
    const channel = new MessageChannel<number>(4);
    const settled: number[] = [];
    const pushes = Array.from({ length: 6 }, (_, i) => channel.push(i).then(() => settled.push(i)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toEqual([0, 1, 2, 3]);
    const drained: number[] = [];
    const consumer = (async () => {
      for await (const item of channel.drain()) drained.push(item);
    })();
    await Promise.all(pushes);
    channel.close();
    await consumer;
    expect(settled).toEqual([0, 1, 2, 3, 4, 5]);
    expect(drained).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('resumes a held producer once the queue is down to half, not for every item taken', async () => {
    const channel = new MessageChannel<number>(8);
    for (let i = 0; i < 8; i += 1) void channel.push(i);
    let resumed = false;
    const held = channel.push(8).then(() => (resumed = true));
    const items = channel.drain();
    const taken: number[] = [];
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 3; i += 1) taken.push((await items.next()).value as number);
    await settle();
    expect(resumed).toBe(false); // 5 left: more than half
    taken.push((await items.next()).value as number);
    await held;
    expect(resumed).toBe(true); // 4 left: half
    channel.close();
    for await (const item of items) taken.push(item);
    expect(taken).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
