import type { IncomingMessage } from 'node:http';
import { aadsts, type AadstsError } from './aadsts-errors.js';
import { POWER_BI_RESOURCE, type AccessTokenAuthority } from './access-tokens.js';
import { authenticateClient } from './client-auth.js';
import { userObjectId, type DelegatedGrant, type RefreshTokenStore } from './refresh-tokens.js';
import type { EntraApp } from './types.js';

export interface TokenEndpointContext {
  tenantId: string;
  tenantPathSegment: string;
  origin: string;
  apps: ReadonlyMap<string, EntraApp>;
  accessTokens: AccessTokenAuthority;
  refreshTokens: RefreshTokenStore;
  signIdToken: (claims: Record<string, unknown>) => string;
  nowMs: () => number;
}

export type TokenOutcome = { ok: true; body: Record<string, unknown> } | { ok: false; error: AadstsError };

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/** POST /{tenant}/oauth2/v2.0/token (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow). */
export function handleTokenRequest(
  req: IncomingMessage,
  form: URLSearchParams,
  context: TokenEndpointContext,
): TokenOutcome {
  const grantType = form.get('grant_type');
  if (!grantType) return { ok: false, error: aadsts.missingParameter('grant_type') };
  if (grantType !== 'client_credentials' && grantType !== 'refresh_token') {
    return { ok: false, error: aadsts.unsupportedGrant(grantType) };
  }
  const client = authenticateClient(
    req,
    form,
    {
      tenantPathSegment: context.tenantPathSegment,
      apps: context.apps,
      acceptedAudiences: acceptedAudiences(context),
    },
    grantType,
  );
  if (!client.ok) return client;
  return grantType === 'client_credentials'
    ? clientCredentials(client.app, form, context)
    : refreshTokenGrant(client.app, form, context);
}

function acceptedAudiences(context: TokenEndpointContext): string[] {
  const segments = [context.tenantPathSegment, context.tenantId];
  return segments.flatMap((segment) => [
    `${context.origin}/${segment}/oauth2/v2.0/token`,
    `${context.origin}/${segment}/oauth2/token`,
  ]);
}

function clientCredentials(
  app: EntraApp,
  form: URLSearchParams,
  context: TokenEndpointContext,
): TokenOutcome {
  const scope = form.get('scope');
  if (!scope) return { ok: false, error: aadsts.missingParameter('scope') };
  const scopes = scope.split(' ').filter((s) => s.length > 0);
  const resourceScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
  const [only] = resourceScopes;
  if (resourceScopes.length !== 1 || only === undefined)
    return { ok: false, error: aadsts.invalidScope(scope) };
  if (!only.endsWith('/.default')) return { ok: false, error: aadsts.clientCredentialsScope(only) };
  const resource = only.slice(0, -'/.default'.length);
  if (resource !== POWER_BI_RESOURCE) {
    return { ok: false, error: aadsts.resourceNotFound(resource, context.tenantId) };
  }
  const issued = context.accessTokens.issue({
    appid: app.clientId,
    oid: userObjectId(`sp:${app.clientId}`),
    idtyp: 'app',
  });
  return {
    ok: true,
    body: {
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      ext_expires_in: issued.expiresIn,
      access_token: issued.token,
    },
  };
}

function refreshTokenGrant(
  app: EntraApp,
  form: URLSearchParams,
  context: TokenEndpointContext,
): TokenOutcome {
  const refreshToken = form.get('refresh_token');
  if (!refreshToken) return { ok: false, error: aadsts.missingParameter('refresh_token') };
  const found = context.refreshTokens.lookup(refreshToken);
  switch (found.kind) {
    case 'unknown':
      return { ok: false, error: aadsts.refreshTokenMalformed() };
    case 'consumed':
      return { ok: false, error: aadsts.refreshTokenConsumed() };
    case 'revoked':
      return {
        ok: false,
        error: aadsts.refreshTokenRevoked(new Date(found.grant.issuedAtMs), new Date(found.validFromMs)),
      };
    case 'expired':
      return { ok: false, error: aadsts.refreshTokenExpired(new Date(found.grant.issuedAtMs)) };
    case 'valid':
      break;
  }
  const grant = found.grant;
  if (grant.clientId.toLowerCase() !== app.clientId.toLowerCase()) {
    return { ok: false, error: aadsts.refreshTokenOtherClient() };
  }
  const scopes = (form.get('scope') ?? `${POWER_BI_RESOURCE}/.default`)
    .split(' ')
    .filter((s) => s.length > 0);
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
  if (scopes.includes('offline_access'))
    body['refresh_token'] = context.refreshTokens.rotate(refreshToken, grant);
  if (scopes.includes('openid')) body['id_token'] = idToken(app, grant, context);
  if (form.get('client_info') === '1') body['client_info'] = clientInfo(grant, context.tenantId);
  return { ok: true, body };
}

/** The Power BI permissions the token carries: all consented ones for /.default, else those asked for. */
function grantedPermissions(scopes: string[], grant: DelegatedGrant): string | AadstsError {
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

function idToken(app: EntraApp, grant: DelegatedGrant, context: TokenEndpointContext): string {
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
