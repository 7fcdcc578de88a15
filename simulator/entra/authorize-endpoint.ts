import { aadsts, type AadstsError } from './aadsts-errors.js';
import { POWER_BI_RESOURCE } from './access-tokens.js';
import type { AuthorizationCodeStore, AuthorizationGrant } from './authorization-codes.js';
import type { EntraApp } from './types.js';

export interface AuthorizeContext {
  tenantPathSegment: string;
  apps: ReadonlyMap<string, EntraApp>;
  codes: AuthorizationCodeStore;
  /** Who signs in when the request carries no login_hint (the simulator has no sign-in page). */
  defaultUserPrincipalName: string;
}

/** Either a redirect back to the client (code or OAuth error) or Entra's own error page. */
export type AuthorizeOutcome = { kind: 'redirect'; location: string } | { kind: 'page'; error: AadstsError };

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * GET /{tenant}/oauth2/v2.0/authorize (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow):
 * the user signs in and consents at once (no page), and the browser is sent back to redirect_uri with
 * `code` and `state`. Problems Entra cannot trust the redirect URI with are answered on its own page.
 */
export function handleAuthorize(query: URLSearchParams, context: AuthorizeContext): AuthorizeOutcome {
  const clientId = query.get('client_id');
  if (!clientId) return { kind: 'page', error: aadsts.missingParameter('client_id') };
  const app = context.apps.get(clientId.toLowerCase());
  if (!app) return { kind: 'page', error: aadsts.appNotFound(clientId, context.tenantPathSegment) };
  const redirectUri = query.get('redirect_uri');
  if (!redirectUri) return { kind: 'page', error: aadsts.missingParameter('redirect_uri') };
  if (!redirectAllowed(app, redirectUri))
    return { kind: 'page', error: aadsts.redirectUriMismatch(redirectUri, app.clientId) };

  const back = (params: Record<string, string>) => redirect(redirectUri, query.get('state'), params);
  const responseType = query.get('response_type') ?? '';
  if (responseType !== 'code') return back(errorParams(aadsts.unsupportedResponseType(responseType)));
  const responseMode = query.get('response_mode');
  if (responseMode && responseMode !== 'query')
    return back(
      errorParams(aadsts.unsupportedResponseType(`${responseType} with response_mode ${responseMode}`)),
    );
  const scope = query.get('scope');
  if (!scope) return back(errorParams(aadsts.missingParameter('scope')));
  const scopeError = powerBiScopeError(scope);
  if (scopeError) return back(errorParams(scopeError));

  const grant: AuthorizationGrant = {
    clientId: app.clientId,
    redirectUri,
    scope,
    userPrincipalName: query.get('login_hint') ?? context.defaultUserPrincipalName,
  };
  const challenge = query.get('code_challenge');
  if (challenge)
    grant.codeChallenge = {
      value: challenge,
      method: query.get('code_challenge_method') === 'S256' ? 'S256' : 'plain',
    };
  return back({ code: context.codes.issue(grant) });
}

/**
 * Registered redirect URIs match exactly; loopback ones ignore the port, as Entra does. An app
 * registered without any (the simulator's default) accepts loopback URIs only.
 */
function redirectAllowed(app: EntraApp, redirectUri: string): boolean {
  const asked = parseUrl(redirectUri);
  if (!asked) return false;
  const registered = app.redirectUris ?? [];
  if (registered.length === 0) return asked.protocol === 'http:' && LOOPBACK_HOSTS.has(asked.hostname);
  return registered.some((uri) => {
    const known = parseUrl(uri);
    if (!known) return false;
    if (LOOPBACK_HOSTS.has(known.hostname)) {
      known.port = '';
      const withoutPort = new URL(asked.href);
      withoutPort.port = '';
      return known.href === withoutPort.href;
    }
    return known.href === asked.href;
  });
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The resource scopes must all be Power BI's (a permission or /.default); OIDC scopes may come along. */
function powerBiScopeError(scope: string): AadstsError | undefined {
  const resourceScopes = scope.split(' ').filter((s) => s.length > 0 && !OIDC_SCOPES.has(s));
  if (resourceScopes.length === 0) return aadsts.invalidScope(scope);
  const foreign = resourceScopes.find((s) => !s.startsWith(`${POWER_BI_RESOURCE}/`));
  return foreign ? aadsts.invalidScope(foreign) : undefined;
}

function errorParams(error: AadstsError): Record<string, string> {
  return {
    error: error.error,
    error_description: `AADSTS${error.code}: ${error.message}`,
    error_uri: `https://login.microsoftonline.com/error?code=${error.code}`,
  };
}

function redirect(
  redirectUri: string,
  state: string | null,
  params: Record<string, string>,
): AuthorizeOutcome {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  if (state !== null) target.searchParams.set('state', state);
  return { kind: 'redirect', location: target.href };
}
