import { aadsts, type AadstsError } from './aadsts-errors.js';
import { POWER_BI_RESOURCE, type AccessTokenAuthority } from './access-tokens.js';
import type { AuthorizationCodeStore } from './authorization-codes.js';
import type { DelegatedGrant, RefreshTokenStore } from './refresh-tokens.js';
import type { EntraApp } from './types.js';

export interface TokenEndpointContext {
  tenantId: string;
  tenantPathSegment: string;
  origin: string;
  apps: ReadonlyMap<string, EntraApp>;
  accessTokens: AccessTokenAuthority;
  refreshTokens: RefreshTokenStore;
  codes: AuthorizationCodeStore;
  /** Power BI permissions a consent to /.default grants (the app's configured delegated permissions). */
  defaultConsentedScopes: string;
  signIdToken: (claims: Record<string, unknown>) => string;
  nowMs: () => number;
}

export type TokenOutcome = { ok: true; body: Record<string, unknown> } | { ok: false; error: AadstsError };

export const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/**
 * The token answer of a delegated grant (refresh token or authorization code): an access token
 * carrying the granted permissions, a refresh token when offline_access was asked for, an id token
 * with openid.
 */
export function delegatedTokens(
  app: EntraApp,
  grant: DelegatedGrant,
  scopes: string[],
  form: URLSearchParams,
  context: TokenEndpointContext,
  nextRefreshToken: () => string,
): TokenOutcome {
  const scp = grantedPermissions(scopes, grant);
  if (typeof scp !== 'string') return { ok: false, error: scp };
  const issued = context.accessTokens.issue({
    appid: app.clientId,
    oid: grant.userObjectId,
    idtyp: 'user',
    scp,
    upn: grant.userPrincipalName,
  });
  // Like the documented sample (auth-entra.md §2): granted permissions, plus /.default when asked for.
  const granted = scp.split(' ').map((permission) => `${POWER_BI_RESOURCE}/${permission}`);
  if (scopes.includes(`${POWER_BI_RESOURCE}/.default`)) granted.push(`${POWER_BI_RESOURCE}/.default`);
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: granted.join(' '),
    expires_in: issued.expiresIn,
    ext_expires_in: issued.expiresIn,
    access_token: issued.token,
  };
  if (scopes.includes('offline_access')) body['refresh_token'] = nextRefreshToken();
  if (scopes.includes('openid')) body['id_token'] = idToken(app, grant, context);
  if (form.get('client_info') === '1') body['client_info'] = clientInfo(grant, context.tenantId);
  return { ok: true, body };
}

/** The Power BI permissions the token carries: all consented ones for /.default, else those asked for. */
export function grantedPermissions(scopes: string[], grant: DelegatedGrant): string | AadstsError {
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  if (resourceScopes.length === 0) return aadsts.invalidScope(scopes.join(' '));
  const consented = grant.consentedScopes.split(' ');
  const asked: string[] = [];
  for (const scope of resourceScopes) {
    if (!scope.startsWith(`${POWER_BI_RESOURCE}/`)) return aadsts.invalidScope(scope);
    const permission = scope.slice(POWER_BI_RESOURCE.length + 1);
    if (permission === '.default') return grant.consentedScopes;
    if (!consented.includes(permission)) return aadsts.invalidScope(scope);
    asked.push(permission);
  }
  return asked.join(' ');
}

export function idToken(app: EntraApp, grant: DelegatedGrant, context: TokenEndpointContext): string {
  const now = Math.floor(context.nowMs() / 1000);
  return context.signIdToken({
    aud: app.clientId,
    iss: `${context.origin}/${context.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    name: grant.userPrincipalName.split('@')[0] ?? grant.userPrincipalName,
    oid: grant.userObjectId,
    preferred_username: grant.userPrincipalName,
    sub: grant.userObjectId,
    tid: context.tenantId,
    ver: '2.0',
  });
}

function clientInfo(grant: DelegatedGrant, tenantId: string): string {
  return Buffer.from(JSON.stringify({ uid: grant.userObjectId, utid: tenantId })).toString('base64url');
}
