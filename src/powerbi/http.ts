import https from 'node:https';
import tls from 'node:tls';
import type { Readable } from 'node:stream';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { readApiErrorBody } from './api-error-body.js';
import type { HttpFailure } from './http-failure.js';
import type { HttpMethod } from './retry-policy.js';
import { parseRetryAfter } from './retry-after.js';
import { withIdleTimeout } from './idle-timeout.js';

export type QueryValue = string | number | boolean | { raw: string } | undefined;

export interface HttpRequest {
  method: HttpMethod;
  /** Path relative to the API base URL, e.g. `admin/workspaces/modified`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

export type HttpOutcome<T> =
  { ok: true; status: number; data: T; requestId?: string } | { ok: false; failure: HttpFailure };

export interface HttpOptions {
  apiBaseUrl: string;
  /** Extra CA (PEM) trusted on top of the system roots, e.g. a TLS-inspecting proxy's or a test CA. */
  caCertificate?: string;
  requestTimeoutMs: number;
}

/** One attempt, no retries: the caller (api-caller.ts) owns the policy. Never throws for HTTP errors. */
export interface HttpTransport {
  sendJson(request: HttpRequest, token: string, signal?: AbortSignal): Promise<HttpOutcome<unknown>>;
  sendStream(request: HttpRequest, token: string, signal?: AbortSignal): Promise<HttpOutcome<Readable>>;
  close(): void;
}

const ERROR_BODY_LIMIT = 64 * 1024;

export function createHttpTransport(options: HttpOptions): HttpTransport {
  const agent = new https.Agent({
    keepAlive: true,
    // One secure context for every connection: with `ca` alone, each new connection parses all
    // ~140 root certificates again (~7 MB of native memory across 16 scans in flight).
    ...(options.caCertificate
      ? { secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, options.caCertificate] }) }
      : {}),
  });
  const instance = axios.create({
    baseURL: options.apiBaseUrl.replace(/\/+$/, '') + '/',
    httpsAgent: agent,
    timeout: options.requestTimeoutMs,
    // Environment proxies are not followed: the agent above is the only trust configuration.
    proxy: false,
    maxRedirects: 0,
    validateStatus: () => true,
    transformResponse: [(data: unknown) => data],
  });
  return {
    sendJson: (request, token, signal) => sendJson(instance, request, token, signal),
    sendStream: (request, token, signal) =>
      sendStream(instance, request, token, options.requestTimeoutMs, signal),
    close: () => agent.destroy(),
  };
}

async function sendJson(
  instance: AxiosInstance,
  request: HttpRequest,
  token: string,
  signal?: AbortSignal,
): Promise<HttpOutcome<unknown>> {
  let response: AxiosResponse<string>;
  try {
    response = await instance.request<string>({
      ...baseConfig(request, token, signal),
      responseType: 'text',
    });
  } catch (error) {
    return { ok: false, failure: networkFailure(error) };
  }
  const requestId = headerOf(response, 'requestid');
  if (response.status >= 300) return { ok: false, failure: httpFailure(response, response.data) };
  const text = typeof response.data === 'string' ? response.data : '';
  if (text.trim() === '') return { ok: true, status: response.status, data: undefined, requestId };
  try {
    return { ok: true, status: response.status, data: JSON.parse(text) as unknown, requestId };
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'invalid JSON';
    return { ok: false, failure: { kind: 'invalid-body', status: response.status, detail, requestId } };
  }
}

async function sendStream(
  instance: AxiosInstance,
  request: HttpRequest,
  token: string,
  idleTimeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpOutcome<Readable>> {
  let response: AxiosResponse<Readable>;
  try {
    response = await instance.request<Readable>({
      ...baseConfig(request, token, signal),
      responseType: 'stream',
    });
  } catch (error) {
    return { ok: false, failure: networkFailure(error) };
  }
  if (response.status >= 300) {
    const body = await readLimited(response.data, ERROR_BODY_LIMIT).catch(() => '');
    return { ok: false, failure: httpFailure(response, body) };
  }
  return {
    ok: true,
    status: response.status,
    data: withIdleTimeout(response.data, idleTimeoutMs),
    requestId: headerOf(response, 'requestid'),
  };
}

function baseConfig(request: HttpRequest, token: string, signal?: AbortSignal) {
  return {
    method: request.method,
    url: request.path + queryString(request.query),
    data: request.body === undefined ? undefined : JSON.stringify(request.body),
    headers: {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    signal,
  };
}

/** Builds the query by hand: OData keys keep their `$`, and `{raw}` values go in as given (already encoded). */
export function queryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const text = typeof value === 'object' ? value.raw : encodeURIComponent(String(value));
    parts.push(`${key}=${text}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

function httpFailure(response: AxiosResponse<unknown>, body: unknown): HttpFailure {
  const { code, message } = readApiErrorBody(body);
  const retryAfterMs = parseRetryAfter(headerOf(response, 'retry-after'), Date.now());
  return {
    kind: 'http',
    status: response.status,
    ...(code ? { vendorCode: code } : {}),
    ...(message ? { vendorMessage: message } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(headerOf(response, 'requestid') ? { requestId: headerOf(response, 'requestid') } : {}),
  };
}

/** Keeps only the error code and a short text: axios errors carry the request headers (the token). */
export function networkFailure(error: unknown): HttpFailure {
  if (axios.isCancel(error)) return { kind: 'network', code: 'ERR_CANCELED', detail: 'request aborted' };
  const code = codeOf(error) ?? 'UNKNOWN';
  const raw = error instanceof Error ? error.message : String(error);
  return { kind: 'network', code, detail: raw.replace(/Bearer\s+\S+/gi, 'Bearer ***').slice(0, 300) };
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined ? undefined : codeOf(cause);
}

function headerOf(response: AxiosResponse<unknown>, name: string): string | undefined {
  const value: unknown = (response.headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

async function readLimited(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    if (size < limit) chunks.push(buffer.subarray(0, limit - size));
    size += buffer.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}
