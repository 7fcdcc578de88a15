import type { IncomingMessage, ServerResponse } from 'node:http';
import { aadsts, aadstsBody, type AadstsError } from './aadsts-errors.js';
import { AccessTokenAuthority } from './access-tokens.js';
import { AuthorizationCodeStore } from './authorization-codes.js';
import { handleAuthorize } from './authorize-endpoint.js';
import { instanceDiscovery, openIdConfiguration } from './discovery.js';
import { readForm, sendJson } from './http-io.js';
import { RefreshTokenStore, userObjectId } from './refresh-tokens.js';
import { handleTokenRequest } from './token-endpoint.js';
import type { EntraApp, EntraOptions, EntraSim } from './types.js';

export type { BearerCheck, BearerClaims, EntraApp, EntraOptions, EntraSim } from './types.js';
export { FABRIC_RESOURCE, POWER_BI_RESOURCE } from './access-tokens.js';

/** Tenant-less path segments Entra serves discovery for. */
const MULTI_TENANT_SEGMENTS = new Set(['common', 'organizations', 'consumers']);
const ENTRA_PATH = /^\/([^/]+)\/(oauth2|v2\.0|discovery|\.well-known)(\/.*)?$/;

/** Permissions a seeded delegated consent grants (scanner admin APIs need Tenant.Read.All). */
const DEFAULT_CONSENTED_SCOPES = 'Tenant.Read.All Workspace.Read.All';

/** A local Microsoft Entra ID tenant that real @azure/msal-node accepts unchanged. */
export function createEntra(options: EntraOptions): EntraSim {
  const nowMs = options.now ?? (() => Date.now());
  const apps = new Map<string, EntraApp>(options.apps.map((app) => [app.clientId.toLowerCase(), app]));
  const accessTokens = new AccessTokenAuthority(
    options.tenantId,
    options.tokenLifetimeSeconds ?? 3600,
    nowMs,
  );
  const refreshTokens = new RefreshTokenStore(nowMs);
  const codes = new AuthorizationCodeStore(nowMs);
  const consentingUser = options.consentingUser ?? `admin@${options.tenantDomain}`;
  const counters = { tokenRequests: 0, tokenErrors: 0 };

  const knownTenant = (segment: string) =>
    segment.toLowerCase() === options.tenantId.toLowerCase() ||
    segment.toLowerCase() === options.tenantDomain.toLowerCase();

  const sendError = (res: ServerResponse, error: AadstsError, correlationId?: string) =>
    sendJson(res, error.status, aadstsBody(error, nowMs(), correlationId));

  async function serveToken(req: IncomingMessage, res: ServerResponse, tenant: string, origin: string) {
    counters.tokenRequests += 1;
    const form = await readForm(req);
    const correlationId = form.get('client-request-id') ?? undefined;
    const outcome = knownTenant(tenant)
      ? handleTokenRequest(req, form, {
          tenantId: options.tenantId,
          tenantPathSegment: tenant,
          origin,
          apps,
          accessTokens,
          refreshTokens,
          codes,
          defaultConsentedScopes: DEFAULT_CONSENTED_SCOPES,
          signIdToken: (claims) => accessTokens.signOther(claims),
          nowMs,
        })
      : { ok: false as const, error: aadsts.tenantNotFound(tenant) };
    if (outcome.ok) {
      sendJson(res, 200, outcome.body);
      return;
    }
    counters.tokenErrors += 1;
    sendError(res, outcome.error, correlationId);
  }

  function serveAuthorize(res: ServerResponse, tenant: string, query: URLSearchParams) {
    if (!knownTenant(tenant)) {
      sendError(res, aadsts.tenantNotFound(tenant));
      return;
    }
    const outcome = handleAuthorize(query, {
      tenantPathSegment: tenant,
      apps,
      codes,
      defaultUserPrincipalName: consentingUser,
    });
    if (outcome.kind === 'page') sendError(res, outcome.error);
    else {
      res.writeHead(302, { Location: outcome.location, 'Cache-Control': 'no-store, no-cache' });
      res.end();
    }
  }

  function serveDiscovery(res: ServerResponse, tenant: string, rest: string, origin: string): boolean {
    const multiTenant = MULTI_TENANT_SEGMENTS.has(tenant.toLowerCase());
    if (rest === '/v2.0/.well-known/openid-configuration' || rest === '/.well-known/openid-configuration') {
      if (multiTenant) sendJson(res, 200, openIdConfiguration(origin, tenant, '{tenantid}'));
      else if (knownTenant(tenant)) sendJson(res, 200, openIdConfiguration(origin, tenant, options.tenantId));
      else sendError(res, aadsts.tenantNotFound(tenant));
      return true;
    }
    if (rest === '/discovery/v2.0/keys' || rest === '/discovery/keys') {
      sendJson(res, 200, accessTokens.jwks());
      return true;
    }
    if (tenant === 'common' && rest === '/discovery/instance') {
      sendJson(res, 200, instanceDiscovery(origin));
      return true;
    }
    return false;
  }

  return {
    async handle(req, res, url, origin) {
      const match = ENTRA_PATH.exec(url.pathname);
      if (!match?.[1]) return false;
      const tenant = decodeURIComponent(match[1]);
      const rest = url.pathname.slice(match[1].length + 1);
      if (rest === '/oauth2/v2.0/token') {
        if (req.method !== 'POST') {
          sendJson(res, 405, {
            error: 'invalid_request',
            error_description: 'AADSTS900561: The endpoint only accepts POST requests.',
          });
          return true;
        }
        await serveToken(req, res, tenant, origin);
        return true;
      }
      if (rest === '/oauth2/v2.0/authorize' && req.method === 'GET') {
        serveAuthorize(res, tenant, url.searchParams);
        return true;
      }
      if (req.method === 'GET' && serveDiscovery(res, tenant, rest, origin)) return true;
      sendJson(res, 404, { error: 'not_found', error_description: `No Entra endpoint at ${url.pathname}` });
      return true;
    },
    consentingUser,
    verifyBearer: (authorizationHeader, _origin, audience) =>
      accessTokens.verify(authorizationHeader, audience),
    issueRefreshToken(clientId, userPrincipalName) {
      return refreshTokens.issue({
        clientId,
        userPrincipalName,
        userObjectId: userObjectId(userPrincipalName),
        consentedScopes: DEFAULT_CONSENTED_SCOPES,
      });
    },
    revokeRefreshTokens: () => refreshTokens.revokeAll(),
    expireAccessTokens: () => accessTokens.expireAll(),
    stats: () => ({ ...counters }),
  };
}
