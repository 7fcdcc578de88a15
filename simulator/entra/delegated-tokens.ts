import { aadsts, type AadstsError } from './aadsts-errors.js';
import { FABRIC_RESOURCE, POWER_BI_RESOURCE, type AccessTokenAuthority } from './access-tokens.js';
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
  const resource = resourceOf(scopes);
  const scp = grantedPermissions(scopes, grant, resource);
  if (typeof scp !== 'string') return { ok: false, error: scp };
  const issued = context.accessTokens.issue(
    { appid: app.clientId, oid: grant.userObjectId, idtyp: 'user', scp, upn: grant.userPrincipalName },
    resource,
  );
  // Like the documented sample (auth-entra.md §2): granted permissions, plus /.default when asked for.
  const granted = scp.split(' ').map((permission) => `${resource}/${permission}`);
  if (scopes.includes(`${resource}/.default`)) granted.push(`${resource}/.default`);
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

/** Fabric permissions a delegated consent grants in this tenant (report definitions need Item.ReadWrite.All). */
const FABRIC_CONSENTED_SCOPES = 'Item.ReadWrite.All';

/** The resource a token request is for: Fabric when its scopes name Fabric, else Power BI. */
function resourceOf(scopes: string[]): string {
  return scopes.some((s) => s.startsWith(`${FABRIC_RESOURCE}/`)) ? FABRIC_RESOURCE : POWER_BI_RESOURCE;
}

/** The permissions the token carries: all consented ones for /.default, else those asked for. */
export function grantedPermissions(
  scopes: string[],
  grant: DelegatedGrant,
  resource = POWER_BI_RESOURCE,
): string | AadstsError {
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  if (resourceScopes.length === 0) return aadsts.invalidScope(scopes.join(' '));
  const consentedScopes = resource === FABRIC_RESOURCE ? FABRIC_CONSENTED_SCOPES : grant.consentedScopes;
  const consented = consentedScopes.split(' ');
  const asked: string[] = [];
  for (const scope of resourceScopes) {
    if (!scope.startsWith(`${resource}/`)) return aadsts.invalidScope(scope);
    const permission = scope.slice(resource.length + 1);
    if (permission === '.default') return consentedScopes;
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
