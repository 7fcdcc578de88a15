/**
 * The Power BI endpoints the connector calls, each with the hourly request budget Microsoft
 * documents for it (see the "Limitations" section of each operation, e.g.
 * https://learn.microsoft.com/rest/api/power-bi/admin/workspace-info-post-workspace-info).
 */
export type Endpoint =
  | 'modified'
  | 'getInfo'
  | 'scanStatus'
  | 'scanResult'
  | 'groups'
  | 'activityEvents'
  | 'apps'
  | 'refreshes'
  | 'reportPages'
  | 'gateways'
  | 'fabricGetDefinition'
  | 'fabricOperation';

export const ENDPOINTS: readonly Endpoint[] = [
  'modified',
  'getInfo',
  'scanStatus',
  'scanResult',
  'groups',
  'activityEvents',
  'apps',
  'refreshes',
  'reportPages',
  'gateways',
  'fabricGetDefinition',
  'fabricOperation',
];

/** Requests per rolling hour; undefined = no published limit (generic per-user throttling only). */
export type HourlyBudgets = Record<Endpoint, number | undefined>;

export const DEFAULT_HOURLY_BUDGETS: HourlyBudgets = {
  modified: 30,
  getInfo: 500,
  scanStatus: 10_000,
  scanResult: 500,
  // 50/h per tenant (also 15/min); shared with every other tool of the tenant.
  groups: 50,
  activityEvents: 200,
  apps: 200,
  refreshes: undefined,
  reportPages: undefined,
  gateways: undefined,
  // Fabric throttles every caller per API without publishing numbers: 429 + Retry-After only.
  // https://learn.microsoft.com/rest/api/fabric/articles/throttling
  fabricGetDefinition: undefined,
  fabricOperation: undefined,
};

/** Microsoft: "Not more than 16 calls can be made simultaneously" (scans in flight). */
export const MAX_SCANS_IN_FLIGHT = 16;

/** Microsoft: getInfo takes "a maximum of 100 workspace IDs" per call. */
export const MAX_WORKSPACES_PER_SCAN = 100;

/** Admin endpoints need the tenant setting for service principals; 401/403 there has a known fix. */
const WORKSPACE_ENDPOINTS: ReadonlySet<Endpoint> = new Set([
  'refreshes',
  'reportPages',
  // Gateway admins, not Fabric administrators: the admin API tenant setting does not help there.
  'gateways',
  'fabricGetDefinition',
  'fabricOperation',
]);

export function isAdminEndpoint(endpoint: Endpoint): boolean {
  return !WORKSPACE_ENDPOINTS.has(endpoint);
}
