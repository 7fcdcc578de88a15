/** Names of the endpoints the simulator counts, budgets and can fault. */
export const POWER_BI_ENDPOINTS = [
  'modified',
  'getInfo',
  'scanStatus',
  'scanResult',
  'adminGroups',
  'adminApps',
  'activityEvents',
  'groups',
  'groupUsers',
  'reports',
  'pages',
  'dashboards',
  'tiles',
  'datasets',
  'datasources',
  'refreshes',
  'refreshSchedule',
  'dataflows',
  'dataflowTransactions',
  'apps',
  'gateways',
  'gatewayDatasources',
  'fabricGetDefinition',
  'fabricOperation',
  'fabricGatewayMembers',
] as const;

export type PowerBiEndpoint = (typeof POWER_BI_ENDPOINTS)[number];
export type EndpointName = PowerBiEndpoint | 'token' | 'entra' | 'unknown';

export function isPowerBiEndpoint(name: EndpointName): name is PowerBiEndpoint {
  return (POWER_BI_ENDPOINTS as readonly string[]).includes(name);
}

/** Documented per-hour limits (errors-and-limits.md §1); admin/groups also has 15/minute. */
export const HOURLY_LIMITS: Partial<Record<PowerBiEndpoint, number>> = {
  modified: 30,
  getInfo: 500,
  scanStatus: 10_000,
  scanResult: 500,
  adminGroups: 50,
  adminApps: 200,
  activityEvents: 200,
};

export const ADMIN_ENDPOINTS: ReadonlySet<PowerBiEndpoint> = new Set([
  'modified',
  'getInfo',
  'scanStatus',
  'scanResult',
  'adminGroups',
  'adminApps',
  'activityEvents',
]);
