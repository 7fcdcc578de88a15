import type { IncomingMessage } from 'node:http';
import { aadsts } from './aadsts-errors.js';
import { POWER_BI_RESOURCE, RESOURCES } from './access-tokens.js';
import { authorizationCodeGrant } from './authorization-code-grant.js';
import { authenticateClient } from './client-auth.js';
import {
  delegatedTokens,
  OIDC_SCOPES,
  type TokenEndpointContext,
  type TokenOutcome,
} from './delegated-tokens.js';
import { userObjectId } from './refresh-tokens.js';
import type { EntraApp } from './types.js';

export type { TokenEndpointContext, TokenOutcome } from './delegated-tokens.js';

/** POST /{tenant}/oauth2/v2.0/token (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow). */
export function handleTokenRequest(
  req: IncomingMessage,
  form: URLSearchParams,
  context: TokenEndpointContext,
): TokenOutcome {
  const grantType = form.get('grant_type');
  if (!grantType) return { ok: false, error: aadsts.missingParameter('grant_type') };
  if (!['client_credentials', 'refresh_token', 'authorization_code'].includes(grantType)) {
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
  if (grantType === 'client_credentials') return clientCredentials(client.app, form, context);
  if (grantType === 'authorization_code') return authorizationCodeGrant(client.app, form, context);
  return refreshTokenGrant(client.app, form, context);
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
  if (!RESOURCES.includes(resource)) {
    return { ok: false, error: aadsts.resourceNotFound(resource, context.tenantId) };
  }
  const issued = context.accessTokens.issue(
    { appid: app.clientId, oid: userObjectId(`sp:${app.clientId}`), idtyp: 'app' },
    resource,
  );
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
  return delegatedTokens(app, grant, scopes, form, context, () =>
    context.refreshTokens.rotate(refreshToken, grant),
  );
}
