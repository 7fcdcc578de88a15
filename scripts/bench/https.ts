/** A minimal HTTPS client for the benchmark's own calls to the simulator (raw bytes, custom CA). */
import { request } from 'node:https';

export interface RawResponse {
  status: number;
  body: Buffer;
}

export function fetchRaw(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // A connection of its own per call: with realistic polling (30 s apart) a kept-alive socket can be
    // closed by the server just as it is reused ("socket hang up").
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export async function fetchJson<T>(
  url: string,
  ca: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<T> {
  const response = await fetchRaw(url, ca, options);
  if (response.status >= 300) throw new Error(`${options.method ?? 'GET'} ${url}: HTTP ${response.status}`);
  return JSON.parse(response.body.toString('utf8')) as T;
}
