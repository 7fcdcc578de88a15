import type { MsalApp } from './msal-app.js';

/**
 * The refresh token msal holds for `clientId` after a refresh-token grant. msal-node does not hand
 * refresh tokens out ("MSAL Node does not expose refresh tokens for security reasons", msal-node
 * docs/faq.md); its serialized cache does, under RefreshToken.*.secret.
 */
export function cachedRefreshToken(app: MsalApp, clientId: string): string | undefined {
  const serialized = JSON.parse(app.getTokenCache().serialize()) as {
    RefreshToken?: Record<string, { client_id?: string; secret?: string }>;
  };
  const entries = Object.values(serialized.RefreshToken ?? {});
  const mine = entries.filter((entry) => entry.client_id?.toLowerCase() === clientId.toLowerCase());
  return mine.find((entry) => typeof entry.secret === 'string' && entry.secret.length > 0)?.secret;
}
