import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { aadsts, type AadstsError } from './aadsts-errors.js';
import { verifyClientAssertion } from './client-assertion.js';
import type { EntraApp } from './types.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface ClientAuthContext {
  tenantPathSegment: string;
  apps: ReadonlyMap<string, EntraApp>;
  acceptedAudiences: string[];
}

export type ClientAuthResult = { ok: true; app: EntraApp } | { ok: false; error: AadstsError };

/**
 * Confidential-client authentication at the token endpoint: client_secret in the form or in an
 * HTTP Basic header (RFC 6749 §2.3.1, which Entra also accepts), or a jwt-bearer client assertion.
 */
export function authenticateClient(
  req: IncomingMessage,
  form: URLSearchParams,
  context: ClientAuthContext,
  grantType: string,
): ClientAuthResult {
  const basic = basicCredentials(req.headers.authorization);
  const clientId = form.get('client_id') ?? basic?.clientId;
  if (!clientId) return { ok: false, error: aadsts.missingParameter('client_id') };
  const app = context.apps.get(clientId.toLowerCase());
  if (!app) return { ok: false, error: aadsts.appNotFound(clientId, context.tenantPathSegment) };
  const secret = form.get('client_secret') ?? basic?.secret;
  const assertion = form.get('client_assertion');
  if (secret !== undefined && secret !== null) {
    return app.secret !== undefined && sameText(secret, app.secret)
      ? { ok: true, app }
      : { ok: false, error: aadsts.invalidSecret(app.clientId) };
  }
  if (assertion && form.get('client_assertion_type') === JWT_BEARER) {
    const error = verifyClientAssertion(assertion, {
      clientId: app.clientId,
      certificatePem: app.certificatePem,
      acceptedAudiences: context.acceptedAudiences,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    return error ? { ok: false, error } : { ok: true, app };
  }
  if (app.publicClient && (grantType === 'refresh_token' || grantType === 'authorization_code'))
    return { ok: true, app };
  return { ok: false, error: aadsts.missingCredential() };
}

function basicCredentials(header: string | undefined): { clientId: string; secret: string } | undefined {
  const match = header ? /^Basic\s+(\S+)$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    secret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
