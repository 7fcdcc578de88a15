/**
 * The one thing the API client needs from auth: structurally the interface of
 * src/auth/token-provider.ts (any implementation of it fits). Declared here because the lint
 * boundaries do not yet classify that single file as importable from powerbi/.
 */
export interface TokenProvider {
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<string>;
}
