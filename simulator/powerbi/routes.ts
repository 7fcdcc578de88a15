import type { PowerBiContext, PowerBiRequest } from './context.js';
import type { PowerBiEndpoint } from './endpoints.js';
import { activityEvents } from './routes/activity-events.js';
import { adminApps } from './routes/admin-apps.js';
import { adminGroups } from './routes/admin-groups.js';
import { getInfo, modified, scanResult, scanStatus } from './routes/scanner.js';
import * as ws from './routes/workspaces.js';
import { getDefinition, operationResult, operationState } from '../fabric/routes.js';
import { getGatewayDatasources, getGateways, listGatewayMembers } from './gateways-routes.js';

type Handler = (ctx: PowerBiContext, r: PowerBiRequest) => void | Promise<void>;

interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  endpoint: PowerBiEndpoint;
  handler: Handler;
  /** A Fabric API route (base /v1): Fabric tokens and error bodies. */
  fabric?: boolean;
}

const ID = '([^/]+)';
const route = (
  method: Route['method'],
  path: string,
  endpoint: PowerBiEndpoint,
  handler: Handler,
): Route => ({
  method,
  pattern: new RegExp(`^/v1\\.0/myorg/${path}/?$`, 'i'),
  endpoint,
  handler,
});

/** Power BI REST routes the simulator serves (paths are case-insensitive like the service). */
export const ROUTES: Route[] = [
  route('GET', 'admin/workspaces/modified', 'modified', modified),
  route('POST', 'admin/workspaces/getInfo', 'getInfo', getInfo),
  route('GET', `admin/workspaces/scanStatus/${ID}`, 'scanStatus', scanStatus),
  route('GET', `admin/workspaces/scanResult/${ID}`, 'scanResult', scanResult),
  route('GET', 'admin/groups', 'adminGroups', adminGroups),
  route('GET', 'admin/apps', 'adminApps', adminApps),
  route('GET', 'admin/activityevents', 'activityEvents', activityEvents),
  route('GET', 'groups', 'groups', ws.groups),
  route('GET', `groups/${ID}/users`, 'groupUsers', ws.groupUsers),
  route('GET', `groups/${ID}/reports`, 'reports', ws.reports),
  route('GET', `groups/${ID}/reports/${ID}/pages`, 'pages', ws.pages),
  route('GET', `groups/${ID}/dashboards`, 'dashboards', ws.dashboards),
  route('GET', `groups/${ID}/dashboards/${ID}/tiles`, 'tiles', ws.tiles),
  route('GET', `groups/${ID}/datasets`, 'datasets', ws.datasets),
  route('GET', `groups/${ID}/datasets/${ID}/datasources`, 'datasources', ws.datasources),
  route('GET', `groups/${ID}/datasets/${ID}/refreshes`, 'refreshes', ws.refreshes),
  route('GET', `groups/${ID}/datasets/${ID}/refreshSchedule`, 'refreshSchedule', ws.refreshSchedule),
  route('GET', `groups/${ID}/dataflows`, 'dataflows', ws.dataflows),
  route('GET', `groups/${ID}/dataflows/${ID}/transactions`, 'dataflowTransactions', ws.transactions),
  route('GET', 'apps', 'apps', ws.apps),
  route('GET', 'gateways', 'gateways', getGateways),
  route('GET', `gateways/${ID}/datasources`, 'gatewayDatasources', getGatewayDatasources),
  ...fabricRoutes(),
];

function fabricRoutes(): Route[] {
  const fabric = (
    method: Route['method'],
    path: string,
    endpoint: PowerBiEndpoint,
    handler: Handler,
  ): Route => ({
    method,
    pattern: new RegExp(`^/v1/${path}/?$`, 'i'),
    endpoint,
    handler,
    fabric: true,
  });
  return [
    fabric('POST', `workspaces/${ID}/reports/${ID}/getDefinition`, 'fabricGetDefinition', getDefinition),
    fabric('GET', `operations/${ID}`, 'fabricOperation', operationState),
    fabric('GET', `operations/${ID}/result`, 'fabricOperation', operationResult),
    fabric('GET', `gateways/${ID}/members`, 'fabricGatewayMembers', listGatewayMembers),
  ];
}

export interface RouteMatch {
  route: Route;
  params: string[];
}

export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (m) return { route: r, params: m.slice(1).map((p) => decodeURIComponent(p)) };
  }
  return undefined;
}
