import { ConnectorError } from '../../../src/errors.js';
import { cut, MAX_VENDOR_MESSAGE_CHARS, readApiErrorBody } from '../../../src/powerbi/api-error-body.js';
import { describeFailure, type HttpFailure } from '../../../src/powerbi/http-failure.js';
import {
  decide,
  DEFAULT_RETRY_OPTIONS,
  type Decision,
  type PolicyInput,
  type RetryPolicyOptions,
} from '../../../src/powerbi/retry-policy.js';

const NOW = Date.parse('2026-11-28T09:00:00Z');
const options: RetryPolicyOptions = { ...DEFAULT_RETRY_OPTIONS, maxRetryWaitMs: 900_000, random: () => 1 };

function input(failure: HttpFailure, overrides: Partial<PolicyInput> = {}): PolicyInput {
  return {
    failure,
    method: 'GET',
    endpoint: 'modified',
    attempts: 1,
    throttledAttempts: 1,
    tokenRefreshes: 0,
    repeatable: false,
    elapsedMs: 0,
    nowMs: NOW,
    ...overrides,
  };
}

function failed(decision: Decision): ConnectorError {
  if (decision.action !== 'fail') throw new Error(`expected fail, got ${JSON.stringify(decision)}`);
  return decision.error;
}

const badHeader: HttpFailure = {
  kind: 'http',
  status: 429,
  retryAfterIgnored: { value: '-5', reason: 'not a number of seconds >= 0' },
};

describe('a 429 with an invalid Retry-After', () => {
  it('backs off like any retry (1 s, 2 s, 4 s ...), not 10 s doubling towards minutes', () => {
    const delays = [1, 2, 3, 4, 5].map((n) => {
      const decision = decide(input(badHeader, { attempts: n, throttledAttempts: n }), options);
      expect(decision).toMatchObject({ action: 'retry', reason: 'throttled' });
      return (decision as { delayMs: number }).delayMs;
    });
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    // Without a header at all the documented 10 s, 20 s ... series stays.
    expect(decide(input({ kind: 'http', status: 429 }), options)).toMatchObject({ delayMs: 10_000 });
  });

  it('stops after maxAttempts with a transient_error that says the header was ignored', () => {
    const error = failed(decide(input(badHeader, { attempts: 6, throttledAttempts: 6 }), options));
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toMatch(/modified.*6 attempt\(s\).*Retry-After header that was ignored/);
    expect(error.retryAfterMs).toBeUndefined();
  });
});

describe('a body over a limit', () => {
  it('fails at once as a system_error naming the endpoint and the limit', () => {
    const failure: HttpFailure = {
      kind: 'over-limit',
      status: 200,
      detail: 'a JSON body larger than 32 MiB',
    };
    for (const method of ['GET', 'POST'] as const) {
      const error = failed(decide(input(failure, { method, repeatable: true }), options));
      expect(error.failureType).toBe('system_error');
      expect(error.message).toMatch(/modified.*larger than 32 MiB/);
      expect(error.httpStatus).toBe(200);
    }
  });
});

describe('server error messages', () => {
  it('are cut to 300 characters before they reach any message', () => {
    const long = `${'Ä'.repeat(5000)}😀${'b'.repeat(5000)}`;
    const body = readApiErrorBody({ error: { code: 'C'.repeat(1000), message: long } });
    expect(body.message!.length).toBeLessThanOrEqual(MAX_VENDOR_MESSAGE_CHARS);
    expect(body.code!.length).toBeLessThanOrEqual(100);
    const failure: HttpFailure = {
      kind: 'http',
      status: 400,
      vendorCode: body.code,
      vendorMessage: body.message,
    };
    expect(describeFailure(failure).length).toBeLessThan(450);
    const error = failed(decide(input(failure), options));
    expect(error.message.length).toBeLessThan(700);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(298)}😀😀`;
    const cutText = cut(text, 300);
    expect(cutText.length).toBeLessThanOrEqual(300);
    expect(cutText.endsWith('…')).toBe(true);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(cutText)).toBe(false);
  });
});
