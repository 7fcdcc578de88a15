/**
 * What a failed Power BI call means for an api stream that may skip an artifact. Only an answer
 * from Power BI itself can say "no access" or "gone"; an expired token never says either, and a
 * failure of the sign-in (Microsoft Entra ID answers 400/401 too) concerns the whole run.
 */
import { ConnectorError } from '../errors.js';

export type ApiFailureVerdict =
  /** 404 from Power BI: the artifact (or its workspace) no longer exists. */
  | 'gone'
  /** 401/403 from Power BI that outlived the retry policy's fresh token: the identity may not read it. */
  | 'denied'
  /** 401/403 saying the access token expired: a fresh token is the answer, never a permission verdict. */
  | 'token-expired'
  /** Anything else (sign-in failures, throttling beyond patience, 5xx, bugs): the read must stop. */
  | 'fatal';

/** Codes Power BI and Fabric put on an expired or no longer valid access token. */
const EXPIRED_TOKEN_CODES = new Set(['tokenexpired', 'expiredtoken', 'expiredauthenticationtoken']);
const EXPIRED_TOKEN_TEXT = /\btoken (?:has )?expired\b|\bexpired (?:access )?token\b/i;

/**
 * The API client words the failures of its calls "<METHOD> <endpoint>: HTTP <status> …"
 * (src/powerbi/retry-policy.ts); errors of the token provider carry Entra's HTTP status instead.
 */
const POWER_BI_ANSWER = /^(?:GET|POST) \S+: HTTP (\d{3})\b/;

export function answeredByPowerBi(error: ConnectorError): boolean {
  if (error.vendorCode?.toUpperCase().startsWith('AADSTS')) return false;
  const match = POWER_BI_ANSWER.exec(error.internalMessage ?? '');
  return match !== null && Number(match[1]) === error.httpStatus;
}

export function isExpiredTokenAnswer(error: ConnectorError): boolean {
  if (error.httpStatus !== 401 && error.httpStatus !== 403) return false;
  if (error.vendorCode && EXPIRED_TOKEN_CODES.has(error.vendorCode.toLowerCase())) return true;
  return EXPIRED_TOKEN_TEXT.test(error.internalMessage ?? '');
}

export function judgeApiFailure(error: unknown): ApiFailureVerdict {
  if (!(error instanceof ConnectorError) || !answeredByPowerBi(error)) return 'fatal';
  if (isExpiredTokenAnswer(error)) return 'token-expired';
  if (error.httpStatus === 401 || error.httpStatus === 403) return 'denied';
  if (error.httpStatus === 404) return 'gone';
  return 'fatal';
}
