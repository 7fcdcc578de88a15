import https from 'node:https';
import tls from 'node:tls';
import type { Readable } from 'node:stream';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { cut, readApiErrorBody } from './api-error-body.js';
import { abortReason } from './clock.js';
import type { HttpFailure } from './http-failure.js';
import { jsonDepthExceeds } from './json-guard.js';
import {
  DEFAULT_BODY_LIMITS,
  defaultDeadlines,
  formatSize,
  type BodyLimits,
  type Deadlines,
} from './limits.js';
import type { HttpMethod } from './retry-policy.js';
import { readRetryAfter } from './retry-after.js';
import { withIdleTimeout } from './idle-timeout.js';

export type QueryValue = string | number | boolean | { raw: string } | undefined;

export interface HttpRequest {
  method: HttpMethod;
  /** Path relative to the API base URL, e.g. `admin/workspaces/modified`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
}

/** What a long-running operation's answers (Fabric: 202, operation state) say about the next call. */
export interface OperationHeaders {
  /** x-ms-operation-id, cut. */
  operationId?: string;
  /** Location, cut: informative only, a client never sends its token to a host a header names. */
  location?: string;
  /** Retry-After as a delay; absent when missing or unusable. */
  retryAfterMs?: number;
}

export type HttpOutcome<T> =
  | { ok: true; status: number; data: T; requestId?: string; operation?: OperationHeaders }
  | { ok: false; failure: HttpFailure };

export interface HttpOptions {
  apiBaseUrl: string;
  /** Extra CA (PEM) trusted on top of the system roots, e.g. a TLS-inspecting proxy's or a test CA. */
  caCertificate?: string;
  /** Idle timeout: the longest silence while waiting for an answer or inside its body. */
  requestTimeoutMs: number;
  /**
   * Total deadlines (headers and body) for a JSON call and for a streamed scan-result download;
   * default defaultDeadlines(requestTimeoutMs). Time the consumer holds a stream back does not count.
   */
  deadlines?: Partial<Deadlines>;
  /** Size and nesting limits of JSON and error bodies; default DEFAULT_BODY_LIMITS. */
  bodyLimits?: Partial<BodyLimits>;
}

/** One attempt, no retries: the caller (api-caller.ts) owns the policy. Never throws for HTTP errors. */
export interface HttpTransport {
  sendJson(request: HttpRequest, token: string, signal?: AbortSignal): Promise<HttpOutcome<unknown>>;
  sendStream(request: HttpRequest, token: string, signal?: AbortSignal): Promise<HttpOutcome<Readable>>;
  close(): void;
}

interface TransportContext {
  instance: AxiosInstance;
  idleMs: number;
  deadlines: Deadlines;
  limits: BodyLimits;
}

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
    // Socket silence until the headers arrive; bodies get withIdleTimeout, whole calls a Deadline.
    timeout: options.requestTimeoutMs,
    // Environment proxies are not followed: the agent above is the only trust configuration.
    proxy: false,
    maxRedirects: 0,
    validateStatus: () => true,
    transformResponse: [(data: unknown) => data],
  });
  const context: TransportContext = {
    instance,
    idleMs: options.requestTimeoutMs,
    deadlines: { ...defaultDeadlines(options.requestTimeoutMs), ...options.deadlines },
    limits: { ...DEFAULT_BODY_LIMITS, ...options.bodyLimits },
  };
  return {
    sendJson: (request, token, signal) => sendJson(context, request, token, signal),
    sendStream: (request, token, signal) => sendStream(context, request, token, signal),
    close: () => agent.destroy(),
  };
}

async function sendJson(
  context: TransportContext,
  request: HttpRequest,
  token: string,
  signal?: AbortSignal,
): Promise<HttpOutcome<unknown>> {
  const deadline = new Deadline(context.deadlines.jsonMs, signal);
  try {
    const response = await context.instance.request<Readable>({
      ...baseConfig(request, token, deadline.signal),
      responseType: 'stream',
    });
    const requestId = requestIdOf(response);
    const { limits } = context;
    const error = response.status >= 300;
    if (error) {
      const text = await readErrorBody(response.data, limits.errorBodyBytes, context.idleMs, deadline);
      return { ok: false, failure: httpFailure(response, text) };
    }
    const body = await readBody(response.data, limits.jsonBodyBytes, context.idleMs, deadline, false);
    if (body.truncated) {
      const detail = `a JSON body larger than ${formatSize(limits.jsonBodyBytes)}`;
      return { ok: false, failure: { kind: 'over-limit', status: response.status, detail, requestId } };
    }
    const text = body.text;
    if (text.trim() === '')
      return { ok: true, status: response.status, data: undefined, requestId, ...operationOf(response) };
    if (jsonDepthExceeds(text, limits.jsonDepth)) {
      const detail = `JSON nested deeper than ${limits.jsonDepth} levels`;
      return { ok: false, failure: { kind: 'over-limit', status: response.status, detail, requestId } };
    }
    try {
      const data = JSON.parse(text) as unknown;
      return { ok: true, status: response.status, data, requestId, ...operationOf(response) };
    } catch (parseError) {
      const detail = parseError instanceof Error ? parseError.message.slice(0, 300) : 'invalid JSON';
      return { ok: false, failure: { kind: 'invalid-body', status: response.status, detail, requestId } };
    }
  } catch (error) {
    return { ok: false, failure: deadline.failure() ?? networkFailure(error) };
  } finally {
    deadline.dispose();
  }
}

async function sendStream(
  context: TransportContext,
  request: HttpRequest,
  token: string,
  signal?: AbortSignal,
): Promise<HttpOutcome<Readable>> {
  const deadline = new Deadline(context.deadlines.streamMs, signal);
  try {
    const response = await context.instance.request<Readable>({
      ...baseConfig(request, token, deadline.signal),
      responseType: 'stream',
    });
    if (response.status >= 300) {
      const text = await readErrorBody(
        response.data,
        context.limits.errorBodyBytes,
        context.idleMs,
        deadline,
      );
      return { ok: false, failure: httpFailure(response, text) };
    }
    return {
      ok: true,
      status: response.status,
      // From here the body is the consumer's: the rest of the deadline goes with it.
      data: withIdleTimeout(response.data, context.idleMs, deadline.remainingMs()),
      requestId: requestIdOf(response),
    };
  } catch (error) {
    return { ok: false, failure: deadline.failure() ?? networkFailure(error) };
  } finally {
    deadline.dispose();
  }
}

/**
 * The total time one request may take (headers and body), on top of the idle timeout. Aborts the
 * request, or destroys the body being read, when it passes; the caller's own signal does the same.
 */
class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = Date.now();
  private expired = false;
  private readonly onOuterAbort = () => this.controller.abort(abortReason(this.outer));

  constructor(
    private readonly ms: number,
    private readonly outer: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort(
        Object.assign(new Error(`no complete answer within ${ms} ms`), { code: 'ETIMEDOUT' }),
      );
    }, ms);
    if (outer?.aborted) this.onOuterAbort();
    else outer?.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.ms - (Date.now() - this.startedAt));
  }

  /** What to report when the deadline or the caller's signal, not the network, ended the request. */
  failure(): HttpFailure | undefined {
    if (this.outer?.aborted) return { kind: 'network', code: 'ERR_CANCELED', detail: 'request aborted' };
    if (!this.expired) return undefined;
    return { kind: 'network', code: 'ETIMEDOUT', detail: `no complete answer within ${this.ms} ms` };
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }
}

/**
 * Reads a body into a string, at most `limit` bytes: past it the rest is not read (the connection
 * is dropped) and `truncated` is set; the text is then the first `limit` bytes with `keepPrefix`,
 * else empty. Fails on silence (idleMs) and when the deadline passes.
 */
async function readBody(
  stream: Readable,
  limit: number,
  idleMs: number,
  deadline: Deadline,
  keepPrefix: boolean,
): Promise<{ text: string; truncated: boolean }> {
  const body = withIdleTimeout(stream, idleMs);
  const onAbort = () => body.destroy(abortReason(deadline.signal));
  if (deadline.signal.aborted) onAbort();
  else deadline.signal.addEventListener('abort', onAbort, { once: true });
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of body) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      if (size + buffer.length > limit) {
        chunks.push(buffer.subarray(0, limit - size));
        truncated = true;
        break; // leaving the loop destroys the body and the response with it
      }
      chunks.push(buffer);
      size += buffer.length;
    }
  } finally {
    deadline.signal.removeEventListener('abort', onAbort);
  }
  if (truncated && !keepPrefix) return { text: '', truncated };
  const text = Buffer.concat(chunks).toString('utf8');
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, truncated };
}

/** An error body's first `limit` bytes; a body that breaks off or times out counts as empty (the status stays). */
function readErrorBody(stream: Readable, limit: number, idleMs: number, deadline: Deadline): Promise<string> {
  return readBody(stream, limit, idleMs, deadline, true).then(
    (body) => body.text,
    () => '',
  );
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
  const header = headerOf(response, 'retry-after');
  const retryAfter = readRetryAfter(header, Date.now());
  const requestId = requestIdOf(response);
  return {
    kind: 'http',
    status: response.status,
    ...(code ? { vendorCode: code } : {}),
    ...(message ? { vendorMessage: message } : {}),
    ...(retryAfter.kind === 'delay' ? { retryAfterMs: retryAfter.ms } : {}),
    ...(retryAfter.kind === 'invalid'
      ? { retryAfterIgnored: { value: cut(header ?? '', 40), reason: retryAfter.reason } }
      : {}),
    ...(requestId ? { requestId } : {}),
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

/** The long-running-operation headers of an answer, when it has any. */
function operationOf(response: AxiosResponse<unknown>): { operation?: OperationHeaders } {
  const operationId = headerOf(response, 'x-ms-operation-id');
  const location = headerOf(response, 'location');
  const retryAfter = readRetryAfter(headerOf(response, 'retry-after'), Date.now());
  const operation: OperationHeaders = {
    ...(operationId !== undefined && { operationId: cut(operationId, 100) }),
    ...(location !== undefined && { location: cut(location, 2000) }),
    ...(retryAfter.kind === 'delay' && { retryAfterMs: retryAfter.ms }),
  };
  return Object.keys(operation).length > 0 ? { operation } : {};
}

/** Power BI's RequestId header (a GUID), cut: it goes into messages. */
function requestIdOf(response: AxiosResponse<unknown>): string | undefined {
  const value = headerOf(response, 'requestid');
  return value === undefined ? undefined : cut(value, 100);
}
