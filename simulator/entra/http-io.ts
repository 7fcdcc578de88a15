import type { IncomingMessage, ServerResponse } from 'node:http';

const MAX_FORM_BYTES = 1024 * 1024;

/** Reads an application/x-www-form-urlencoded body (what msal posts to the token endpoint). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('form body too large');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Entra's token and discovery responses carry these headers (samples/entra/*.json). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
    'Content-Type': 'application/json; charset=utf-8',
    Expires: '-1',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
