/**
 * What the Power BI API client needs from authentication, and nothing more. Call it before every
 * request: tokens come from a cache and are renewed before they expire. After a 401/403 saying the
 * token expired, call once more with `forceRefresh: true`.
 */
export interface TokenProvider {
  getAccessToken(options?: { forceRefresh?: boolean }): Promise<string>;
}
