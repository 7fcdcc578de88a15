import type { ServerResponse } from 'node:http';
import { pbiHeaders, sendJson } from './http.js';

/**
 * Error answers as the service sends them (../shared/powerbi-api/samples/errors/*.json).
 * Throttling uses a bare {"message"} body, not the {"error"} envelope.
 */
function pbiError(code: string): object {
  return { error: { code, 'pbi.error': { code, parameters: {}, details: [], exceptionCulprit: 1 } } };
}

export function notAuthorized(res: ServerResponse): void {
  sendJson(res, 401, pbiError('PowerBINotAuthorizedException'));
}

export function tokenExpired(res: ServerResponse): void {
  sendJson(res, 403, {
    error: { code: 'TokenExpired', message: 'Access token has expired, resubmit with a new access token' },
  });
}

export function entityNotFound(res: ServerResponse): void {
  sendJson(res, 404, pbiError('PowerBIEntityNotFound'));
}

export function invalidRequest(res: ServerResponse, message: string): void {
  sendJson(res, 400, { error: { code: 'InvalidRequest', message } });
}

export function notFoundRoute(res: ServerResponse): void {
  sendJson(res, 404, pbiError('NotFound'));
}

const THROTTLED =
  'You have exceeded the amount of requests allowed in the current time frame and further requests will fail.';

/**
 * 429; with retryAfterSeconds the body names the wait as the real one does. `rawRetryAfter` sends
 * that header value verbatim instead (hostile-input tests: "-5", "garbage").
 */
export function throttled(
  res: ServerResponse,
  retryAfterSeconds: number | undefined,
  rawRetryAfter?: string,
): void {
  if (rawRetryAfter !== undefined) {
    sendJson(res, 429, { message: THROTTLED }, { 'Retry-After': rawRetryAfter });
    return;
  }
  if (retryAfterSeconds === undefined) {
    sendJson(res, 429, { message: THROTTLED });
    return;
  }
  sendJson(
    res,
    429,
    { message: `${THROTTLED} Retry in ${retryAfterSeconds} seconds.` },
    {
      'Retry-After': String(retryAfterSeconds),
      'request-redirected': 'true',
      'home-cluster-uri': 'https://wabi-north-europe-d-primary-redirect.analysis.windows.net/',
    },
  );
}

/** admin/activityevents answers a bad window with 400 and an empty octet-stream body. */
export function emptyBadRequest(res: ServerResponse): void {
  res.writeHead(400, {
    'Cache-Control': 'no-store, must-revalidate, no-cache',
    Pragma: 'no-cache',
    'Content-Type': 'application/octet-stream',
    RequestId: pbiHeaders().RequestId ?? '',
  });
  res.end();
}

export function serverError(res: ServerResponse, status: 500 | 502 | 503): void {
  if (status === 502) {
    res.writeHead(502, { 'Content-Type': 'text/html' });
    res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
    return;
  }
  sendJson(
    res,
    status,
    status === 500
      ? pbiError('UnknownError')
      : { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } },
  );
}
