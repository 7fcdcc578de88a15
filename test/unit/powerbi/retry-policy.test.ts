import { ConnectorError } from '../../../src/errors.js';
import type { HttpFailure } from '../../../src/powerbi/http-failure.js';
import {
  backoffDelay,
  decide,
  DEFAULT_RETRY_OPTIONS,
  findRule,
  type Decision,
  type PolicyInput,
  type RetryPolicyOptions,
} from '../../../src/powerbi/retry-policy.js';

const NOW = Date.parse('2026-11-28T09:00:00Z');
const options: RetryPolicyOptions = {
  ...DEFAULT_RETRY_OPTIONS,
  maxRetryWaitMs: 120_000,
  random: () => 1,
};

function input(failure: HttpFailure, overrides: Partial<PolicyInput> = {}): PolicyInput {
  return {
    failure,
    method: 'GET',
    endpoint: 'scanStatus',
    attempts: 1,
    throttledAttempts: 0,
    tokenRefreshes: 0,
    repeatable: false,
    elapsedMs: 0,
    nowMs: NOW,
    ...overrides,
  };
}

const http = (status: number, extra: Partial<Extract<HttpFailure, { kind: 'http' }>> = {}): HttpFailure => ({
  kind: 'http',
  status,
  ...extra,
});

function failed(decision: Decision): ConnectorError {
  if (decision.action !== 'fail') throw new Error(`expected fail, got ${JSON.stringify(decision)}`);
  return decision.error;
}

describe('retry policy table', () => {
  it.each<[string, HttpFailure, 'GET' | 'POST', string]>([
    ['401', http(401, { vendorCode: 'PowerBINotAuthorizedException' }), 'GET', 'refresh-token'],
    ['401 TokenExpired', http(401, { vendorCode: 'TokenExpired' }), 'GET', 'refresh-token-repeatedly'],
    ['403 TokenExpired', http(403, { vendorCode: 'TokenExpired' }), 'GET', 'refresh-token-repeatedly'],
    ['403 other', http(403, { vendorCode: 'PowerBINotAuthorizedException' }), 'GET', 'refresh-token'],
    ['429', http(429), 'POST', 'wait-retry-after'],
    ['404', http(404, { vendorCode: 'PowerBIEntityNotFound' }), 'GET', 'fail'],
    ['400', http(400, { vendorCode: 'InvalidRequest' }), 'POST', 'fail'],
    ['500 GET', http(500), 'GET', 'backoff'],
    ['503 POST', http(503), 'POST', 'backoff-if-repeatable'],
    ['reset GET', { kind: 'network', code: 'ECONNRESET', detail: 'socket hang up' }, 'GET', 'backoff'],
    [
      'timeout POST',
      { kind: 'network', code: 'ECONNABORTED', detail: 'timeout' },
      'POST',
      'backoff-if-repeatable',
    ],
    ['tls', { kind: 'network', code: 'SELF_SIGNED_CERT_IN_CHAIN', detail: 'x' }, 'GET', 'fail'],
    ['tls signature', { kind: 'network', code: 'CERT_SIGNATURE_FAILURE', detail: 'x' }, 'GET', 'fail'],
    ['tls hostname', { kind: 'network', code: 'HOSTNAME_MISMATCH', detail: 'x' }, 'POST', 'fail'],
    ['truncated JSON', { kind: 'invalid-body', status: 200, detail: 'Unexpected end' }, 'GET', 'backoff'],
    ['418', http(418), 'GET', 'fail'],
  ])('%s -> %s', (_name, failure, method, action) => {
    expect(findRule(failure, method).action).toBe(action);
  });

  it('refreshes the token once after a 401, then fails with a config_error naming the tenant setting', () => {
    const failure = http(401, { vendorCode: 'PowerBINotAuthorizedException' });
    expect(decide(input(failure, { endpoint: 'getInfo' }), options)).toEqual({ action: 'refresh-token' });
    const error = failed(decide(input(failure, { endpoint: 'getInfo', tokenRefreshes: 1 }), options));
    expect(error.failureType).toBe('config_error');
    expect(error.vendorCode).toBe('PowerBINotAuthorizedException');
    expect(error.httpStatus).toBe(401);
    expect(error.message).toMatch(/read-only admin APIs/);
    expect(error.message).toMatch(/security group/);
  });

  it('an expired token is renewed up to maxTokenRefreshes times, then a transient_error naming the clock', () => {
    for (const status of [401, 403]) {
      const failure = http(status, { vendorCode: 'TokenExpired' });
      for (let refreshes = 0; refreshes < options.maxTokenRefreshes; refreshes += 1) {
        expect(decide(input(failure, { tokenRefreshes: refreshes }), options)).toEqual({
          action: 'refresh-token',
        });
      }
      const error = failed(decide(input(failure, { tokenRefreshes: options.maxTokenRefreshes }), options));
      expect(error.failureType).toBe('transient_error');
      expect(error.message).toMatch(/clock/);
      expect(error.message).not.toMatch(/Viewer access|admin portal/);
    }
  });

  it('a 403 refusal only counts after a fresh token', () => {
    const failure = http(403, { vendorCode: 'PowerBINotAuthorizedException' });
    expect(decide(input(failure), options)).toEqual({ action: 'refresh-token' });
    expect(failed(decide(input(failure, { tokenRefreshes: 1 }), options)).failureType).toBe('config_error');
  });

  it('names the "Service principals can use Fabric APIs" setting for "API is not accessible"', () => {
    const failure = http(403, { vendorMessage: 'API is not accessible for application' });
    const error = failed(decide(input(failure, { tokenRefreshes: 1 }), options));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toMatch(/Service principals can use Fabric APIs/);
  });

  it('waits what Retry-After asks on a 429', () => {
    expect(decide(input(http(429, { retryAfterMs: 30_000 })), options)).toEqual({
      action: 'retry',
      delayMs: 30_000,
      reason: 'throttled',
    });
  });

  it('stops with a transient_error carrying retryAfterMs when Retry-After exceeds patience', () => {
    const error = failed(decide(input(http(429, { retryAfterMs: 3_392_000 })), options));
    expect(error.failureType).toBe('transient_error');
    expect(error.retryAfterMs).toBe(NOW + 3_392_000);
    expect(error.httpStatus).toBe(429);
  });

  it('backs off exponentially after a 429 without Retry-After', () => {
    const first = decide(input(http(429), { throttledAttempts: 1 }), options);
    const third = decide(input(http(429), { throttledAttempts: 3, attempts: 3 }), options);
    expect(first).toEqual({ action: 'retry', delayMs: 10_000, reason: 'throttled' });
    expect(third).toEqual({ action: 'retry', delayMs: 40_000, reason: 'throttled' });
  });

  it('retries 5xx on GET with growing delays, then fails transient after maxAttempts', () => {
    const delays = [1, 2, 3, 4, 5].map((attempts) => {
      const decision = decide(input(http(502), { attempts }), options);
      return decision.action === 'retry' ? decision.delayMs : -1;
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000]);
    const error = failed(decide(input(http(502), { attempts: 6 }), options));
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toMatch(/after 6 attempt/);
  });

  it('honours a Retry-After on a 503 when it is longer than the backoff', () => {
    expect(decide(input(http(503, { retryAfterMs: 20_000 })), options)).toEqual({
      action: 'retry',
      delayMs: 20_000,
      reason: 'backoff',
    });
  });

  it('retries a POST after a 5xx only when the call is repeatable (getInfo)', () => {
    const post = { method: 'POST' as const, endpoint: 'getInfo' as const };
    expect(failed(decide(input(http(500), post), options)).failureType).toBe('transient_error');
    expect(decide(input(http(500), { ...post, repeatable: true }), options).action).toBe('retry');
  });

  it('caps the total time spent retrying', () => {
    const error = failed(decide(input(http(500), { elapsedMs: options.maxElapsedMs - 10 }), options));
    expect(error.failureType).toBe('transient_error');
  });

  it('fails TLS errors at once as config_error naming the CA certificate option', () => {
    const error = failed(
      decide(input({ kind: 'network', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', detail: 'x' }), options),
    );
    expect(error.failureType).toBe('config_error');
    expect(error.message).toMatch(/CA certificate \(PEM\) in tls_ca_certificate/);
  });

  it('classifies 400/404 as system_error with the Microsoft code', () => {
    const error = failed(
      decide(input(http(400, { vendorCode: 'InvalidRequest', vendorMessage: 'bad' })), options),
    );
    expect(error.failureType).toBe('system_error');
    expect(error.vendorCode).toBe('InvalidRequest');
  });

  it('jitters backoff within [ceiling/2, ceiling]', () => {
    const low = backoffDelay(3, { baseDelayMs: 1000, maxDelayMs: 60_000, random: () => 0 });
    const high = backoffDelay(3, { baseDelayMs: 1000, maxDelayMs: 60_000, random: () => 0.999999 });
    expect(low).toBe(2000);
    expect(high).toBe(4000);
    expect(backoffDelay(30, { baseDelayMs: 1000, maxDelayMs: 60_000, random: () => 1 })).toBe(60_000);
  });
});
