/**
 * judgeApiFailure: which failed calls a usage stream may skip as "no access" or "gone". The errors
 * are built by the real retry policy and the real sign-in error mapping, so a change in how either
 * words its errors shows up here rather than as refresh history silently skipped.
 */
import { ServerError } from '@azure/msal-node';
import { mapAuthError } from '../../../src/auth/map-auth-error.js';
import { EntraNonJsonResponseError } from '../../../src/auth/network-client.js';
import { judgeApiFailure } from '../../../src/streams/api-refusal.js';
import { ConnectorError } from '../../../src/errors.js';
import type { Endpoint } from '../../../src/powerbi/endpoints.js';
import type { HttpFailure } from '../../../src/powerbi/http-failure.js';
import { DEFAULT_RETRY_OPTIONS, decide } from '../../../src/powerbi/retry-policy.js';

/** The error the API client throws once its retry policy gives up on this answer. */
function givenUp(failure: HttpFailure, endpoint: Endpoint = 'refreshes'): unknown {
  const decision = decide(
    {
      failure,
      method: 'GET',
      endpoint,
      attempts: 6,
      throttledAttempts: 0,
      tokenRefreshes: DEFAULT_RETRY_OPTIONS.maxTokenRefreshes,
      repeatable: false,
      elapsedMs: 0,
      nowMs: 0,
    },
    { ...DEFAULT_RETRY_OPTIONS, maxRetryWaitMs: 0 },
  );
  if (decision.action !== 'fail') throw new Error(`the policy did not give up: ${decision.action}`);
  return decision.error;
}

const http = (status: number, vendorCode?: string, vendorMessage?: string): HttpFailure => ({
  kind: 'http',
  status,
  ...(vendorCode !== undefined && { vendorCode }),
  ...(vendorMessage !== undefined && { vendorMessage }),
});

const reset: HttpFailure = { kind: 'network', code: 'ECONNRESET', detail: 'socket hang up' };

const entraContext = {
  authorityHost: 'https://login.microsoftonline.com',
  tenantId: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
  credentialType: 'service_principal_secret' as const,
};

describe('judgeApiFailure', () => {
  test.each<[string, HttpFailure, string]>([
    ['403 TokenExpired (Power BI)', http(403, 'TokenExpired', 'Access token has expired'), 'token-expired'],
    ['401 TokenExpired', http(401, 'TokenExpired'), 'token-expired'],
    [
      '401 without code, message says the token expired',
      http(401, undefined, 'Token has expired'),
      'token-expired',
    ],
    ['401 PowerBINotAuthorizedException', http(401, 'PowerBINotAuthorizedException'), 'denied'],
    ['403 PowerBINotAuthorizedException', http(403, 'PowerBINotAuthorizedException'), 'denied'],
    [
      '401 "API is not accessible for application"',
      http(401, undefined, 'API is not accessible for application'),
      'denied',
    ],
    ['404 PowerBIEntityNotFound', http(404, 'PowerBIEntityNotFound'), 'gone'],
    ['400', http(400, 'InvalidRequest'), 'fatal'],
    ['503 after every attempt', http(503, 'ServiceUnavailable'), 'fatal'],
    ['a dropped connection', reset, 'fatal'],
  ])('%s from the API client → %s', (_label, failure, verdict) => {
    expect(judgeApiFailure(givenUp(failure))).toBe(verdict);
  });

  test('sign-in failures are never a verdict on one artifact, whatever HTTP status Entra used', () => {
    const revokedSecret = mapAuthError(
      new ServerError('invalid_client', 'corr', 'AADSTS7000215: bad secret', undefined, '7000215', 401),
      entraContext,
    );
    const expiredSecret = mapAuthError(
      new ServerError('invalid_client', 'corr', 'AADSTS7000222: expired', undefined, '7000222', 401),
      entraContext,
    );
    const proxyPage = mapAuthError(new EntraNonJsonResponseError('login.example', 403), entraContext);
    const notFoundPage = mapAuthError(new EntraNonJsonResponseError('login.example', 404), entraContext);
    for (const error of [revokedSecret, expiredSecret, proxyPage, notFoundPage]) {
      expect(error.httpStatus).toBeGreaterThanOrEqual(401);
      expect(judgeApiFailure(error)).toBe('fatal');
    }
  });

  test('anything that is not the API client’s ConnectorError is fatal', () => {
    expect(judgeApiFailure(new Error('HTTP 401'))).toBe('fatal');
    expect(judgeApiFailure(new ConnectorError('no status', { failureType: 'config_error' }))).toBe('fatal');
    expect(
      judgeApiFailure(
        new ConnectorError('status without an answer', { failureType: 'config_error', httpStatus: 401 }),
      ),
    ).toBe('fatal');
  });
});
