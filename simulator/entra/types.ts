import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BearerCheck } from './access-tokens.js';

export type { BearerClaims, BearerCheck } from './access-tokens.js';

/** An app registration (service principal) in the simulated tenant. */
export interface EntraApp {
  clientId: string;
  displayName: string;
  secret?: string;
  certificatePem?: string;
  /** "Allow public client flows": the refresh_token and authorization_code grants then need no client credential. */
  publicClient?: boolean;
  /** Web redirect URIs of the app registration; when absent, loopback http URIs (any port) are accepted. */
  redirectUris?: string[];
  /** Member of the security group allowed to use read-only admin APIs (consumed by the Power BI side). */
  inAllowedSecurityGroup: boolean;
}

export interface EntraOptions {
  tenantId: string;
  tenantDomain: string;
  apps: EntraApp[];
  /** Access-token lifetime; default 3600. */
  tokenLifetimeSeconds?: number;
  /** Simulated clock in epoch ms; default Date.now. */
  now?: () => number;
  /** Signs in at the authorize endpoint when no login_hint is given; default admin@{tenantDomain}. */
  consentingUser?: string;
}

export interface EntraSim {
  /**
   * Serves Entra paths (authorize and token endpoints, OpenID configuration, JWKS, instance discovery).
   * Returns false when the path is not Entra's. origin = e.g. https://127.0.0.1:PORT
   */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, origin: string): Promise<boolean>;
  /** `audience`: the resource the token must be for (default Power BI; the Fabric routes ask for Fabric's). */
  verifyBearer(authorizationHeader: string | undefined, origin: string, audience?: string): BearerCheck;
  /** The user who signs in at the authorize endpoint when the request has no login_hint. */
  readonly consentingUser: string;
  /** Seeds a delegated consent of `userPrincipalName` to the app; returns its refresh token. */
  issueRefreshToken(clientId: string, userPrincipalName: string): string;
  revokeRefreshTokens(): void;
  /** Every access token issued so far is now expired. */
  expireAccessTokens(): void;
  stats(): { tokenRequests: number; tokenErrors: number };
}
