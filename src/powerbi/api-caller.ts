import type { Readable } from 'node:stream';
import type { Clock } from './clock.js';
import type { Endpoint } from './endpoints.js';
import { describeFailure } from './http-failure.js';
import type { HttpOutcome, HttpRequest, HttpTransport, OperationHeaders } from './http.js';
import type { RequestScheduler } from './rate-limiter.js';
import { decide, type RetryPolicyOptions } from './retry-policy.js';
import type { TokenProvider } from '../auth/contract/token-provider.js';

export type LogFn = (level: 'info' | 'warn' | 'debug', message: string) => void;

export interface ApiRequest extends HttpRequest {
  endpoint: Endpoint;
  /** A POST that may be repeated after a 5xx or a dropped connection (getInfo: a scan is a read). */
  repeatable?: boolean;
  /** Cancels this call (in addition to the client-wide signal). */
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  requestId?: string;
  /** Long-running operation headers (Fabric), when the answer had any. */
  operation?: OperationHeaders;
}

export interface ApiCallerDeps {
  transport: HttpTransport;
  scheduler: RequestScheduler;
  tokenProvider: TokenProvider;
  clock: Clock;
  policy: RetryPolicyOptions;
  log: LogFn;
  signal?: AbortSignal;
}

export interface CallStats {
  attempts: number;
  retries: number;
  tokenRefreshes: number;
  /** getInfo POSTs sent again after a 5xx/network failure (each may have created a scan). */
  repeatedPosts: number;
}

export interface ApiCaller {
  json(request: ApiRequest): Promise<ApiResponse<unknown>>;
  stream(request: ApiRequest): Promise<ApiResponse<Readable>>;
  stats(): CallStats;
}

/** Runs one logical call: schedule, authenticate, send, and apply the retry policy until done. */
export function createApiCaller(deps: ApiCallerDeps): ApiCaller {
  const stats: CallStats = { attempts: 0, retries: 0, tokenRefreshes: 0, repeatedPosts: 0 };
  async function run<T>(
    request: ApiRequest,
    send: (token: string, signal: AbortSignal | undefined) => Promise<HttpOutcome<T>>,
  ): Promise<ApiResponse<T>> {
    const signal = combineSignals(deps.signal, request.signal);
    const started = deps.clock.now();
    let attempts = 0;
    let throttledAttempts = 0;
    let forceRefresh = false;
    let tokenRefreshes = 0;
    for (;;) {
      await deps.scheduler.acquire(request.endpoint, signal);
      const token = await deps.tokenProvider.getAccessToken(
        forceRefresh ? { forceRefresh: true } : undefined,
      );
      forceRefresh = false;
      attempts += 1;
      stats.attempts += 1;
      const outcome = await send(token, signal);
      if (outcome.ok) {
        const { status, data, requestId, operation } = outcome;
        return { status, data, requestId, ...(operation && { operation }) };
      }
      const { failure } = outcome;
      if (failure.kind === 'http' && failure.status === 429) throttledAttempts += 1;
      if (failure.kind === 'http' && failure.retryAfterIgnored) {
        const { value, reason } = failure.retryAfterIgnored;
        deps.log(
          'warn',
          `${request.endpoint}: ignored the Retry-After header ${JSON.stringify(value)} (${reason}); ` +
            "using the connector's own backoff instead",
        );
      }
      const decision = decide(
        {
          failure,
          method: request.method,
          endpoint: request.endpoint,
          attempts,
          throttledAttempts,
          tokenRefreshes,
          repeatable: request.repeatable === true,
          elapsedMs: deps.clock.now() - started,
          nowMs: deps.clock.now(),
        },
        deps.policy,
      );
      switch (decision.action) {
        case 'fail':
          throw decision.error;
        case 'refresh-token':
          deps.log('debug', `${request.endpoint}: ${describeFailure(failure)}; retrying with a fresh token`);
          stats.tokenRefreshes += 1;
          forceRefresh = true;
          tokenRefreshes += 1;
          continue;
        case 'retry': {
          stats.retries += 1;
          const repeatedPost = request.method === 'POST' && decision.reason === 'backoff';
          if (repeatedPost) stats.repeatedPosts += 1;
          const untilMs = deps.clock.now() + decision.delayMs;
          deps.log(
            decision.reason === 'throttled' ? 'info' : 'warn',
            `${request.endpoint}: ${describeFailure(failure)}; retrying in ${Math.ceil(decision.delayMs / 1000)} s` +
              (repeatedPost ? ' (the repeated POST may create a duplicate scan, which is harmless)' : ''),
          );
          if (decision.reason === 'throttled') {
            // All calls to this endpoint wait, not only this one.
            deps.scheduler.block(request.endpoint, untilMs);
          } else {
            await deps.scheduler.waitUntil(request.endpoint, untilMs, 'backoff', signal);
          }
          continue;
        }
      }
    }
  }
  return {
    json: (request) => run(request, (token, signal) => deps.transport.sendJson(request, token, signal)),
    stream: (request) => run(request, (token, signal) => deps.transport.sendStream(request, token, signal)),
    stats: () => ({ ...stats }),
  };
}

function combineSignals(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}
