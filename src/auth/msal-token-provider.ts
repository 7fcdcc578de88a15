import type { AccountInfo, AuthenticationResult } from '@azure/msal-node';
import { ConnectorError, systemError } from '../errors.js';
import type { SecretRegistry } from '../secrets.js';
import { cachedRefreshToken } from './cached-refresh-token.js';
import { certificateCredential } from './certificate-credential.js';
import { resolveEndpoints, type CloudEndpoints } from './clouds.js';
import { mapAuthError, type AuthErrorContext } from './map-auth-error.js';
import { createMsalApp, type MsalApp } from './msal-app.js';
import { EntraUnreachableError, createNetworkClient } from './network-client.js';
import type { AuthSettings } from './settings.js';
import type { TokenProvider } from './contract/token-provider.js';

export interface MsalTokenProviderOptions {
  settings: AuthSettings;
  secrets: SecretRegistry;
  /**
   * Called with each new refresh token Entra issues (delegated auth), before the access token that
   * came with it is used, so the platform can persist it. Never called with the configured token.
   */
  onRefreshTokenRotated?: (refreshToken: string) => void;
  /** Per request to Entra; default 30 s. */
  networkTimeoutMs?: number;
  /** Waits before retrying a token request that got no answer at all; default [1000, 3000]. */
  retryDelaysMs?: number[];
}

/**
 * Tokens for the Power BI API from @azure/msal-node, for the three credential types of spec.json.
 * Each call goes through msal's cache, which renews a token within 5 minutes of its expiry; calls are
 * serialized so a rotating refresh token is never used twice.
 */
export class MsalTokenProvider implements TokenProvider {
  private readonly settings: AuthSettings;
  private readonly secrets: SecretRegistry;
  private readonly onRefreshTokenRotated: (refreshToken: string) => void;
  private readonly networkTimeoutMs: number;
  private readonly retryDelaysMs: number[];
  private readonly sensitive = new Set<string>();
  private readonly errorContext: AuthErrorContext;
  private endpoints: CloudEndpoints | undefined;
  private app: MsalApp | undefined;
  private account: AccountInfo | undefined;
  private refreshToken: string | undefined;
  /** Per requested scope: the permissions Entra granted for it (delegated auth). */
  private readonly delegatedScopes = new Map<string, string[]>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: MsalTokenProviderOptions) {
    this.settings = options.settings;
    this.secrets = options.secrets;
    this.onRefreshTokenRotated = options.onRefreshTokenRotated ?? (() => undefined);
    this.networkTimeoutMs = options.networkTimeoutMs ?? 30_000;
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 3000];
    const credentials = options.settings.credentials;
    this.errorContext = {
      authorityHost: '',
      tenantId: credentials.tenant_id,
      clientId: credentials.client_id,
      credentialType: credentials.auth_type,
    };
    if (credentials.auth_type === 'oauth2_refresh_token') this.refreshToken = credentials.refresh_token;
    if (credentials.auth_type !== 'service_principal_certificate') this.remember(credentials.client_secret);
    else this.remember(credentials.private_key);
    this.remember(this.refreshToken);
  }

  /** The Power BI endpoints of the configured cloud (overrides applied); throws a config error if invalid. */
  get cloudEndpoints(): CloudEndpoints {
    this.endpoints ??= resolveEndpoints(this.settings);
    return this.endpoints;
  }

  getAccessToken(options: { forceRefresh?: boolean } = {}): Promise<string> {
    return this.enqueue(this.cloudEndpoints.scope, options.forceRefresh === true);
  }

  /**
   * Tokens for another resource (e.g. the Fabric API) from the same credentials, msal cache and
   * queue, so a rotating refresh token is still used once.
   */
  forScope(scope: string): TokenProvider {
    return { getAccessToken: (options = {}) => this.enqueue(scope, options.forceRefresh === true) };
  }

  private enqueue(scope: string, forceRefresh: boolean): Promise<string> {
    const next = this.queue.then(() => this.acquire(scope, forceRefresh));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async acquire(scope: string, forceRefresh: boolean): Promise<string> {
    try {
      const result = await this.withRetries(() => this.requestToken(scope, forceRefresh));
      if (!result?.accessToken) throw systemError('msal-node returned no access token.');
      this.remember(result.accessToken);
      this.remember(result.idToken);
      if (result.account) this.account = result.account;
      if (!this.delegatedScopes.has(scope))
        this.delegatedScopes.set(scope, grantedPermissionScopes(result.scopes, scope));
      this.noticeRotatedRefreshToken();
      return result.accessToken;
    } catch (error) {
      throw this.scrubbed(mapAuthError(error, this.errorContext));
    }
  }

  private requestToken(scope: string, forceRefresh: boolean): Promise<AuthenticationResult | null> {
    const app = this.msalApp();
    const scopes = [scope];
    if (this.settings.credentials.auth_type !== 'oauth2_refresh_token') {
      if (!('acquireTokenByClientCredential' in app))
        throw systemError('Service principals need a confidential client.');
      return app.acquireTokenByClientCredential({ scopes, skipCache: forceRefresh });
    }
    const clientId = this.settings.credentials.client_id;
    if (this.account && cachedRefreshToken(app, clientId)) {
      const granted = this.delegatedScopes.get(scope);
      const silentScopes = granted?.length ? granted : scopes;
      return app.acquireTokenSilent({ account: this.account, scopes: silentScopes, forceRefresh });
    }
    // forceCache: msal otherwise drops the tokens of an account it has not seen before.
    return app.acquireTokenByRefreshToken({
      refreshToken: this.refreshToken ?? '',
      scopes,
      forceCache: true,
    });
  }

  private async withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let index = 0; ; index += 1) {
      try {
        return await attempt();
      } catch (error) {
        const delay = this.retryDelaysMs[index];
        if (!(error instanceof EntraUnreachableError) || delay === undefined) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private msalApp(): MsalApp {
    if (this.app) return this.app;
    const credentials = this.settings.credentials;
    const authorityHost = this.cloudEndpoints.authorityHost;
    this.errorContext.authorityHost = authorityHost;
    const certificate =
      credentials.auth_type === 'service_principal_certificate'
        ? certificateCredential(credentials)
        : undefined;
    this.remember(certificate?.privateKey);
    this.app = createMsalApp({
      authorityHost,
      tenantId: credentials.tenant_id,
      clientId: credentials.client_id,
      ...(credentials.auth_type !== 'service_principal_certificate' && credentials.client_secret !== undefined
        ? { clientSecret: credentials.client_secret }
        : {}),
      ...(certificate ? { certificate } : {}),
      networkClient: createNetworkClient({
        ...(this.settings.tls_ca_certificate ? { extraCaPem: this.settings.tls_ca_certificate } : {}),
        timeoutMs: this.networkTimeoutMs,
        onRequestBody: (body) => this.remember(new URLSearchParams(body).get('client_assertion')),
      }),
    });
    return this.app;
  }

  private noticeRotatedRefreshToken(): void {
    if (this.settings.credentials.auth_type !== 'oauth2_refresh_token' || !this.app) return;
    const latest = cachedRefreshToken(this.app, this.settings.credentials.client_id);
    if (!latest || latest === this.refreshToken) return;
    this.remember(latest);
    this.refreshToken = latest;
    this.onRefreshTokenRotated(latest);
  }

  private remember(secret: string | null | undefined): void {
    if (!secret) return;
    this.sensitive.add(secret);
    this.secrets.register(secret);
  }

  /** Belt and braces: no message or detail leaves this class carrying a credential. */
  private scrubbed(error: ConnectorError): ConnectorError {
    let { message, internalMessage } = error;
    for (const secret of this.sensitive) {
      message = message.split(secret).join('**********');
      internalMessage = internalMessage?.split(secret).join('**********');
    }
    if (message === error.message && internalMessage === error.internalMessage) return error;
    return new ConnectorError(message, {
      failureType: error.failureType,
      ...(internalMessage !== undefined ? { internalMessage } : {}),
      ...(error.vendorCode !== undefined ? { vendorCode: error.vendorCode } : {}),
      ...(error.httpStatus !== undefined ? { httpStatus: error.httpStatus } : {}),
    });
  }
}

/**
 * msal matches cached tokens by scope name, and Entra answers a `/.default` request with the
 * permissions it granted (Tenant.Read.All, …), with or without `/.default` itself. Asking for the
 * granted permissions by name afterwards makes cache hits independent of that detail.
 */
function grantedPermissionScopes(scopes: string[], asked: string): string[] {
  const oidc = new Set(['openid', 'profile', 'offline_access', 'email']);
  // Only the asked resource's permissions: a Fabric token must not be looked up by Power BI names.
  const resource = asked.slice(0, asked.length - '.default'.length);
  return scopes.filter(
    (scope) => !oidc.has(scope) && !scope.endsWith('/.default') && scope.startsWith(resource),
  );
}
