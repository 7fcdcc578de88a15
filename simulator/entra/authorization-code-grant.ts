import { aadsts } from './aadsts-errors.js';
import { verifierMatches } from './authorization-codes.js';
import { userObjectId, type DelegatedGrant } from './refresh-tokens.js';
import {
  delegatedTokens,
  OIDC_SCOPES,
  type TokenEndpointContext,
  type TokenOutcome,
} from './delegated-tokens.js';
import type { EntraApp } from './types.js';

/**
 * grant_type=authorization_code: redeems a code from the authorize endpoint once, for the app it was
 * issued to and the same redirect_uri; the consent it carries becomes the refresh token's grant.
 */
export function authorizationCodeGrant(
  app: EntraApp,
  form: URLSearchParams,
  context: TokenEndpointContext,
): TokenOutcome {
  const code = form.get('code');
  if (!code) return { ok: false, error: aadsts.missingParameter('code') };
  const redirectUri = form.get('redirect_uri');
  if (!redirectUri) return { ok: false, error: aadsts.missingParameter('redirect_uri') };
  const found = context.codes.redeem(code);
  if (found.kind === 'redeemed') return { ok: false, error: aadsts.authorizationCodeRedeemed() };
  if (found.kind === 'unknown') return { ok: false, error: aadsts.authorizationCodeInvalid() };
  const consent = found.grant;
  if (consent.clientId.toLowerCase() !== app.clientId.toLowerCase())
    return { ok: false, error: aadsts.authorizationCodeOtherClient() };
  if (consent.redirectUri !== redirectUri)
    return { ok: false, error: aadsts.authorizationCodeRedirectMismatch() };
  if (!verifierMatches(consent.codeChallenge, form.get('code_verifier')))
    return { ok: false, error: aadsts.codeVerifierMismatch() };

  const scopes = consent.scope.split(' ').filter((s) => s.length > 0);
  const grant: DelegatedGrant = {
    clientId: app.clientId,
    userPrincipalName: consent.userPrincipalName,
    userObjectId: userObjectId(consent.userPrincipalName),
    consentedScopes: consentedPermissions(scopes, context.defaultConsentedScopes),
    issuedAtMs: context.nowMs(),
  };
  return delegatedTokens(app, grant, scopes, form, context, () => {
    const { issuedAtMs: _issuedAtMs, ...rest } = grant;
    return context.refreshTokens.issue(rest);
  });
}

/** /.default consents to the app's configured permissions; named permissions consent to themselves. */
function consentedPermissions(scopes: string[], defaults: string): string {
  const named = scopes
    .filter((s) => !OIDC_SCOPES.has(s))
    .map((s) => s.slice(s.lastIndexOf('/') + 1))
    .filter((permission) => permission !== '.default');
  return named.length > 0 && scopes.every((s) => !s.endsWith('/.default')) ? named.join(' ') : defaults;
}
