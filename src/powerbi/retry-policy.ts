import { ConnectorError, type FailureType } from '../errors.js';
import { isAdminEndpoint, type Endpoint } from './endpoints.js';
import { describeFailure, type HttpFailure } from './http-failure.js';

export type HttpMethod = 'GET' | 'POST';

/** What a rule matches on: an HTTP status, any 5xx, or a failure without a usable response. */
type StatusMatch = number | '5xx' | 'network' | 'tls' | 'invalid-body' | 'over-limit';

type RuleAction =
  /** Retry once with a freshly acquired token: only a refusal that survives a fresh token counts. */
  | 'refresh-token'
  /** An expired token: renew and retry up to maxTokenRefreshes times (clocks and caches disagree). */
  | 'refresh-token-repeatedly'
  /** Wait what Retry-After asks (or a throttle backoff); every call to the endpoint waits too. */
  | 'wait-retry-after'
  /** Exponential backoff with jitter, capped in attempts and total time. */
  | 'backoff'
  /** Backoff only when the call declared itself safe to repeat (getInfo); otherwise fail. */
  | 'backoff-if-repeatable'
  | 'fail';

export interface MessageContext {
  endpoint: Endpoint;
  failure: HttpFailure;
  attempts: number;
}

export interface PolicyRule {
  match: StatusMatch;
  /** Microsoft error code (or Node/axios network code); undefined = any. */
  code?: string;
  method?: HttpMethod;
  action: RuleAction;
  failureType: FailureType;
  message: (context: MessageContext) => string;
}

const ADMIN_FIX =
  'In the Fabric admin portal (Tenant settings > Admin API settings) enable "Service principals can access ' +
  'read-only admin APIs" (formerly "Allow service principals to use read-only admin APIs") for a security group ' +
  "that contains this app's service principal, and remove any Power BI API permissions that need admin consent " +
  'from the app registration (they block the admin APIs). A delegated (refresh token) login must belong to a ' +
  'Fabric administrator. Tenant setting changes can take about 15 minutes to apply.';

const SP_API_FIX =
  'Power BI does not let this service principal use its APIs: in the Fabric admin portal (Tenant settings > ' +
  'Developer settings) enable "Service principals can use Fabric APIs" for a security group that contains the app.';

function accessDenied({ endpoint, failure }: MessageContext): string {
  const what = describeFailure(failure);
  if (failure.kind === 'http' && /not accessible for application/i.test(failure.vendorMessage ?? '')) {
    return `${SP_API_FIX} (${endpoint}: ${what})`;
  }
  if (isAdminEndpoint(endpoint))
    return `Power BI refused the admin API call ${endpoint} (${what}). ${ADMIN_FIX}`;
  const role =
    endpoint === 'fabricGetDefinition' || endpoint === 'fabricOperation'
      ? 'a Contributor (or higher) role in the workspace (a report definition needs read and write permission on the report)'
      : 'at least Viewer access to the workspace';
  return (
    `Power BI refused ${endpoint} (${what}). The identity needs ${role}, and ` +
    '"Service principals can use Fabric APIs" must be enabled for it.'
  );
}

/** A token Entra just issued that Power BI still calls expired: the clocks disagree, not the permissions. */
const tokenRejected = ({ endpoint, failure }: MessageContext) =>
  `Power BI rejected a freshly issued access token as expired while calling ${endpoint} ` +
  `(${describeFailure(failure)}). Check that this machine's clock is correct (time zone and NTP sync), then retry.`;

const throttled = ({ endpoint, failure, attempts }: MessageContext) =>
  failure.kind === 'http' && failure.retryAfterIgnored
    ? `Power BI kept throttling ${endpoint} (${describeFailure(failure)}) through ${attempts} attempt(s), with a ` +
      `Retry-After header that was ignored (${failure.retryAfterIgnored.reason}). The sync stopped cleanly and ` +
      'can be resumed from its last state later.'
    : `Power BI throttled ${endpoint} (${describeFailure(failure)}) for longer than the configured patience ` +
      '(max_retry_wait_seconds). The sync stopped cleanly and can be resumed from its last state after the wait.';

const unavailable = ({ endpoint, failure, attempts }: MessageContext) =>
  `Power BI did not answer ${endpoint} after ${attempts} attempt(s) (${describeFailure(failure)}). ` +
  'This is usually temporary: retry the sync later.';

const rejected = ({ endpoint, failure }: MessageContext) =>
  `Power BI rejected the ${endpoint} request (${describeFailure(failure)}). This is a connector bug: please report it.`;

const notFound = ({ endpoint, failure }: MessageContext) =>
  `Power BI answered ${endpoint} with "not found" (${describeFailure(failure)}).`;

const tlsFailed = ({ endpoint, failure }: MessageContext) =>
  `The TLS certificate of the Power BI API could not be verified while calling ${endpoint} ` +
  `(${describeFailure(failure)}). If a TLS-inspecting proxy sits in between, put its CA certificate (PEM) in ` +
  'tls_ca_certificate; verification is never switched off. A signature failure can also mean two CAs of the ' +
  'same name there: keep only the one that signed the certificate.';

const overLimit = ({ endpoint, failure }: MessageContext) =>
  `Power BI's answer to ${endpoint} is over a limit on what the connector reads from the network ` +
  `(${describeFailure(failure)}); it stopped reading it rather than run out of memory. No real Power BI ` +
  'answer comes near these limits (see "Limits on what is read from the network" in docs/reliability.md): ' +
  'check for a proxy rewriting answers, and report it with the log if it persists.';

const unexpected = ({ endpoint, failure }: MessageContext) =>
  `Power BI answered ${endpoint} unexpectedly (${describeFailure(failure)}).`;

/**
 * THE retry policy: first matching row wins. Rows are (status, Microsoft error code, method).
 * Power BI's error codes and status pairs: ../shared notes errors-and-limits.md; token expiry comes
 * as 403 TokenExpired (https://learn.microsoft.com/power-bi/developer/embedded/embedded-troubleshoot).
 */
export const RETRY_POLICY: readonly PolicyRule[] = [
  // An expired or revoked token is never a permission verdict: expiry is renewed and retried (a
  // transient_error if it keeps happening), any other 401/403 only counts after a fresh token.
  ...([401, 403] as const).map((status): PolicyRule => ({
    match: status,
    code: 'TokenExpired',
    action: 'refresh-token-repeatedly',
    failureType: 'transient_error',
    message: tokenRejected,
  })),
  { match: 401, action: 'refresh-token', failureType: 'config_error', message: accessDenied },
  { match: 403, action: 'refresh-token', failureType: 'config_error', message: accessDenied },
  { match: 429, action: 'wait-retry-after', failureType: 'transient_error', message: throttled },
  { match: 408, action: 'backoff', failureType: 'transient_error', message: unavailable },
  { match: 404, action: 'fail', failureType: 'system_error', message: notFound },
  { match: 400, action: 'fail', failureType: 'system_error', message: rejected },
  { match: '5xx', method: 'GET', action: 'backoff', failureType: 'transient_error', message: unavailable },
  {
    match: '5xx',
    method: 'POST',
    action: 'backoff-if-repeatable',
    failureType: 'transient_error',
    message: unavailable,
  },
  { match: 'tls', action: 'fail', failureType: 'config_error', message: tlsFailed },
  {
    match: 'network',
    code: 'ERR_CANCELED',
    action: 'fail',
    failureType: 'transient_error',
    message: unavailable,
  },
  {
    match: 'network',
    method: 'GET',
    action: 'backoff',
    failureType: 'transient_error',
    message: unavailable,
  },
  {
    match: 'network',
    method: 'POST',
    action: 'backoff-if-repeatable',
    failureType: 'transient_error',
    message: unavailable,
  },
  {
    match: 'invalid-body',
    method: 'GET',
    action: 'backoff',
    failureType: 'transient_error',
    message: unavailable,
  },
  {
    match: 'invalid-body',
    method: 'POST',
    action: 'backoff-if-repeatable',
    failureType: 'transient_error',
    message: unavailable,
  },
  // Reading it again would read the same oversized answer again: stop at once.
  { match: 'over-limit', action: 'fail', failureType: 'system_error', message: overLimit },
];

const FALLBACK_RULE: PolicyRule = {
  match: 'network',
  action: 'fail',
  failureType: 'system_error',
  message: unexpected,
};

export function findRule(failure: HttpFailure, method: HttpMethod): PolicyRule {
  return RETRY_POLICY.find((rule) => ruleMatches(rule, failure, method)) ?? FALLBACK_RULE;
}

function ruleMatches(rule: PolicyRule, failure: HttpFailure, method: HttpMethod): boolean {
  if (rule.method !== undefined && rule.method !== method) return false;
  if (!statusMatches(rule.match, failure)) return false;
  if (rule.code === undefined) return true;
  const code =
    failure.kind === 'http' ? failure.vendorCode : failure.kind === 'network' ? failure.code : undefined;
  return code === rule.code;
}

function statusMatches(match: StatusMatch, failure: HttpFailure): boolean {
  switch (failure.kind) {
    case 'http':
      return match === failure.status || (match === '5xx' && failure.status >= 500 && failure.status <= 599);
    case 'network':
      return match === (isTlsCode(failure.code) ? 'tls' : 'network');
    case 'invalid-body':
      return match === 'invalid-body';
    case 'over-limit':
      return match === 'over-limit';
  }
}

/** OpenSSL's certificate verification failures as Node names them: retrying never helps. */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  // Also what a second CA of the same subject name in the CA option causes (the issuer is found by name).
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code);
}

export interface RetryPolicyOptions {
  /** Attempts per call for backoff-type failures (5xx, network, bad body), the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Cap on the total time one call may spend retrying, waits included. */
  maxElapsedMs: number;
  /** Patience: a single wait longer than this stops the call with a transient_error instead. */
  maxRetryWaitMs: number;
  /** First wait after a 429 without Retry-After; doubles per attempt. (An invalid Retry-After gets the backoff above.) */
  throttleBaseDelayMs: number;
  /** Attempts per call after 429s (each within patience). */
  maxThrottledAttempts: number;
  /** Fresh tokens per call when Power BI keeps calling the token expired. */
  maxTokenRefreshes: number;
  random: () => number;
}

export const DEFAULT_RETRY_OPTIONS: Omit<RetryPolicyOptions, 'maxRetryWaitMs'> = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxElapsedMs: 30 * 60_000,
  throttleBaseDelayMs: 10_000,
  maxThrottledAttempts: 30,
  maxTokenRefreshes: 3,
  random: Math.random,
};

export interface PolicyInput {
  failure: HttpFailure;
  method: HttpMethod;
  endpoint: Endpoint;
  /** Attempts made so far for this call, including the failed one. */
  attempts: number;
  /** Of which throttled (429). */
  throttledAttempts: number;
  /** Fresh tokens already fetched for this call. */
  tokenRefreshes: number;
  /** The call may be repeated after a 5xx/network failure even though it is a POST. */
  repeatable: boolean;
  elapsedMs: number;
  nowMs: number;
}

export type Decision =
  | { action: 'refresh-token' }
  | { action: 'retry'; delayMs: number; reason: 'throttled' | 'backoff' }
  | { action: 'fail'; error: ConnectorError };

export function decide(input: PolicyInput, options: RetryPolicyOptions): Decision {
  const rule = findRule(input.failure, input.method);
  const fail = (retryAfterMs?: number): Decision => ({
    action: 'fail',
    error: toError(rule, input, retryAfterMs),
  });
  switch (rule.action) {
    case 'refresh-token':
      return input.tokenRefreshes >= 1 ? fail() : { action: 'refresh-token' };
    case 'refresh-token-repeatedly':
      return input.tokenRefreshes >= options.maxTokenRefreshes ? fail() : { action: 'refresh-token' };
    case 'fail':
      return fail();
    case 'wait-retry-after':
      return throttleDecision(input, options, fail);
    case 'backoff-if-repeatable':
      if (!input.repeatable) return fail();
      return backoffDecision(input, options, fail);
    case 'backoff':
      return backoffDecision(input, options, fail);
  }
}

function throttleDecision(
  input: PolicyInput,
  options: RetryPolicyOptions,
  fail: (retryAfterMs?: number) => Decision,
): Decision {
  const { failure } = input;
  if (failure.kind === 'http' && failure.retryAfterIgnored) {
    // The header was junk (negative, unreadable, over a day): the ordinary backoff (1 s, 2 s, 4 s...
    // with jitter, at most maxAttempts tries) instead of guessing at a throttle wait.
    if (input.throttledAttempts >= options.maxAttempts) return fail();
    const delayMs = backoffDelay(input.throttledAttempts, options);
    if (delayMs > options.maxRetryWaitMs) return fail(input.nowMs + delayMs);
    if (input.elapsedMs + delayMs > options.maxElapsedMs) return fail();
    return { action: 'retry', delayMs, reason: 'throttled' };
  }
  const asked = failure.kind === 'http' ? failure.retryAfterMs : undefined;
  const delayMs =
    asked ??
    Math.min(options.throttleBaseDelayMs * 2 ** Math.max(0, input.throttledAttempts - 1), options.maxDelayMs);
  if (delayMs > options.maxRetryWaitMs) return fail(input.nowMs + delayMs);
  if (input.throttledAttempts >= options.maxThrottledAttempts) return fail(input.nowMs + delayMs);
  if (input.elapsedMs + delayMs > options.maxElapsedMs) return fail(input.nowMs + delayMs);
  return { action: 'retry', delayMs, reason: 'throttled' };
}

function backoffDecision(
  input: PolicyInput,
  options: RetryPolicyOptions,
  fail: (retryAfterMs?: number) => Decision,
): Decision {
  if (input.attempts - input.throttledAttempts >= options.maxAttempts) return fail();
  const asked = input.failure.kind === 'http' ? input.failure.retryAfterMs : undefined;
  const delayMs = Math.max(backoffDelay(input.attempts - input.throttledAttempts, options), asked ?? 0);
  if (delayMs > options.maxRetryWaitMs) return fail(input.nowMs + delayMs);
  if (input.elapsedMs + delayMs > options.maxElapsedMs) return fail();
  return { action: 'retry', delayMs, reason: 'backoff' };
}

/** Exponential backoff with "equal jitter": uniform in [c/2, c] where c = min(max, base * 2^(n-1)). */
export function backoffDelay(
  failedAttempts: number,
  options: Pick<RetryPolicyOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * options.random());
}

function toError(rule: PolicyRule, input: PolicyInput, retryAfterMs: number | undefined): ConnectorError {
  const { failure } = input;
  return new ConnectorError(rule.message({ endpoint: input.endpoint, failure, attempts: input.attempts }), {
    failureType: rule.failureType,
    internalMessage: `${input.method} ${input.endpoint}: ${describeFailure(failure)}`,
    vendorCode: failure.kind === 'http' ? failure.vendorCode : undefined,
    httpStatus: failure.kind === 'network' ? undefined : failure.status,
    retryAfterMs,
  });
}
