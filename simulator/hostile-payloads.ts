/**
 * Hostile answers for the connector's limits (faults `drip`, `huge-body`, `deep-body`,
 * `deep-workspace`, `huge-string-workspace`). Every big payload is generated while it is written, chunk by chunk with
 * backpressure, so the simulator stays small whatever size a test asks for.
 */
import type { ServerResponse } from 'node:http';
import { pbiHeaders, writeChunk } from './powerbi/http.js';

const CHUNK = 64 * 1024;

/**
 * Makes `res` send whatever the handler writes `bytes` bytes every `intervalMs` (headers go with the
 * first bytes). The handler sees backpressure once 64 KB wait, so a streamed answer stays bounded.
 */
export function drip(res: ServerResponse, bytes: number, intervalMs: number): void {
  const write = res.write.bind(res) as (chunk: Buffer) => boolean;
  const end = res.end.bind(res) as () => ServerResponse;
  let queue: Buffer = Buffer.alloc(0);
  let ending = false;
  let full = false;
  const timer = setInterval(() => {
    if (res.destroyed) return stop();
    if (queue.length > 0) {
      write(queue.subarray(0, bytes));
      queue = queue.subarray(bytes);
    }
    if (full && queue.length < CHUNK) {
      full = false;
      res.emit('drain');
    }
    if (ending && queue.length === 0) {
      stop();
      end();
    }
  }, intervalMs);
  const stop = () => clearInterval(timer);
  res.once('close', stop);
  const enqueue = (chunk: unknown): void => {
    if (typeof chunk !== 'string' && !Buffer.isBuffer(chunk)) return; // (no chunk, or a callback)
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    queue = queue.length === 0 ? buffer : Buffer.concat([queue, buffer]);
  };
  Object.assign(res, {
    write: (chunk: unknown): boolean => {
      enqueue(chunk);
      full = queue.length >= CHUNK;
      return !full;
    },
    end: (chunk?: unknown): ServerResponse => {
      enqueue(chunk);
      ending = true;
      return res;
    },
  });
}

/**
 * 200 with `{"value":[{"id":…},…]}` of about `sizeBytes`: a list page far beyond any real one, made
 * of many small objects (what costs a JSON parser the most memory per byte).
 */
export async function writeHugeJson(res: ServerResponse, sizeBytes: number): Promise<void> {
  res.writeHead(200, pbiHeaders());
  let written = 0;
  let n = 0;
  const write = async (text: string) => {
    await writeChunk(res, text);
    written += text.length;
  };
  await write('{"value":[');
  let batch = '';
  while (written + batch.length < sizeBytes) {
    const id = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    batch += `${n === 0 ? '' : ','}{"id":"${id}","n":${n}}`;
    n += 1;
    if (batch.length >= CHUNK) {
      await write(batch);
      batch = '';
    }
  }
  await write(`${batch}]}`);
  res.end();
}

/** 200 with `{"value":[[[…]]]}` nested `depth` levels deep (2 × depth bytes). */
export async function writeDeepJson(res: ServerResponse, depth: number): Promise<void> {
  res.writeHead(200, pbiHeaders());
  await writeChunk(res, '{"value":');
  await repeat(res, '[', depth);
  await repeat(res, ']', depth);
  await writeChunk(res, '}');
  res.end();
}

export type HostileField = { kind: 'deep'; depth: number } | { kind: 'huge-string'; sizeBytes: number };

/**
 * Writes the JSON text of one extra member (`,"hostile":…`) of a scan-result workspace: an array
 * nested `depth` levels deep, or a string of `sizeBytes` characters.
 */
export async function writeHostileMember(res: ServerResponse, field: HostileField): Promise<void> {
  if (field.kind === 'deep') {
    await writeChunk(res, ',"hostileNesting":');
    await repeat(res, '[', field.depth);
    await repeat(res, ']', field.depth);
    return;
  }
  await writeChunk(res, ',"description":"');
  await repeat(res, 'x', field.sizeBytes);
  await writeChunk(res, '"');
}

async function repeat(res: ServerResponse, char: string, count: number): Promise<void> {
  const block = char.repeat(CHUNK);
  let left = count;
  while (left > 0) {
    const n = Math.min(left, CHUNK);
    await writeChunk(res, n === CHUNK ? block : block.slice(0, n));
    left -= n;
  }
}
