import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Headers every Power BI REST response carries (errors-and-limits.md §4). */
export function pbiHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    RequestId: randomUUID(),
    'Cache-Control': 'no-store, must-revalidate, no-cache',
    Pragma: 'no-cache',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...pbiHeaders(extra), 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

/** Writes a chunk and waits for the socket to drain when its buffer is full (bounded memory). */
export async function writeChunk(res: ServerResponse, text: string | Buffer): Promise<void> {
  if (res.destroyed) throw new Error('client went away');
  if (res.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      res.off('drain', onDrain);
      res.off('close', onClose);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('client went away'));
    };
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** OData-style boolean query values: the docs write True, clients send true. */
export function boolParam(url: URL, name: string): boolean {
  return (url.searchParams.get(name) ?? '').toLowerCase() === 'true';
}

/** Query parameter lookup that tolerates `%24top` and `$top` alike (URLSearchParams decodes both). */
export function param(url: URL, name: string): string | null {
  return url.searchParams.get(name);
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
