/**
 * Gateways - Get Gateways, Gateways - Get Datasources (Power BI) and Gateways - List Gateway
 * Members (Fabric). All three need gateway admin rights, which the read-only admin API tenant
 * setting does not give; the knob is `settings.callerIsGatewayAdmin` (default true).
 * https://learn.microsoft.com/rest/api/power-bi/gateways/get-gateways
 * https://learn.microsoft.com/rest/api/power-bi/gateways/get-datasources
 * https://learn.microsoft.com/rest/api/fabric/core/gateways/list-gateway-members
 *
 * Choices where Microsoft documents nothing (I), listed in docs/simulator.md: a caller that is no
 * gateway admin gets an empty Get Gateways list, 401 PowerBINotAuthorizedException from Get
 * Datasources and 403 InsufficientPrivileges from List Gateway Members; an unknown id 404.
 */
import type { TenantContext } from '../tenant/context.js';
import { listGatewayClusters, type GatewayCluster } from '../tenant/gateways.js';
import { fabricError } from '../fabric/routes.js';
import type { PowerBiContext, PowerBiRequest } from './context.js';
import { entityNotFound, notAuthorized } from './errors.js';
import { sendJson } from './http.js';

const isGatewayAdmin = (ctx: PowerBiContext): boolean => ctx.settings.callerIsGatewayAdmin !== false;

function clusterById(tenant: TenantContext, id: string | undefined): GatewayCluster | undefined {
  return listGatewayClusters(tenant).find((c) => c.id === id?.toLowerCase());
}

function annotation(cluster: GatewayCluster): string {
  const primary = cluster.members[0];
  return JSON.stringify({
    gatewayContactInformation: [cluster.contact],
    gatewayVersion: cluster.version,
    gatewayWitnessString: JSON.stringify({ EncryptedResult: 'c2ltdWxhdGVk', IV: 'aXY=', Signature: 'c2ln' }),
    gatewayMachine: primary?.displayName ?? null,
    gatewaySalt: 'c2FsdA==',
    gatewayWitnessStringLegacy: null,
    gatewaySaltLegacy: null,
    gatewayDepartment: null,
    gatewayVirtualNetworkSubnetId: null,
  });
}

const PUBLIC_KEY = { exponent: 'AQAB', modulus: 'o6j2ohQXn0...simulated...Q==' };

/** GET gateways: the clusters (primary ids) the caller administers. */
export function getGateways(ctx: PowerBiContext, r: PowerBiRequest): void {
  const clusters = isGatewayAdmin(ctx) ? listGatewayClusters(ctx.tenant.ctx) : [];
  sendJson(r.res, 200, {
    '@odata.context': `${r.origin}/v1.0/myorg/$metadata#gateways`,
    value: clusters.map((c) => ({
      id: c.id,
      name: c.name,
      type: c.type,
      publicKey: PUBLIC_KEY,
      gatewayStatus: c.status,
      gatewayAnnotation: annotation(c),
    })),
  });
}

const CREDENTIALS: Record<string, string> = { Sql: 'Windows', Oracle: 'Basic', ODBC: 'Basic', Web: 'OAuth2' };

/** GET gateways/{id}/datasources */
export function getGatewayDatasources(ctx: PowerBiContext, r: PowerBiRequest): void {
  const cluster = clusterById(ctx.tenant.ctx, r.params[0]);
  if (!cluster) return entityNotFound(r.res);
  if (!isGatewayAdmin(ctx)) return notAuthorized(r.res);
  sendJson(r.res, 200, {
    '@odata.context': `${r.origin}/v1.0/myorg/$metadata#gatewayDatasources`,
    value: cluster.datasources.map((d) => ({
      id: d.datasourceId,
      gatewayId: cluster.id,
      datasourceType: d.datasourceType,
      connectionDetails: JSON.stringify(d.connectionDetails),
      credentialType: CREDENTIALS[d.datasourceType] ?? 'Anonymous',
      datasourceName: `${d.datasourceType} ${Object.values(d.connectionDetails ?? {}).join(' ')}`.slice(
        0,
        80,
      ),
    })),
  });
}

/** GET /v1/gateways/{id}/members (Fabric) */
export function listGatewayMembers(ctx: PowerBiContext, r: PowerBiRequest): void {
  const cluster = clusterById(ctx.tenant.ctx, r.params[0]);
  if (!cluster)
    return fabricError(r.res, 404, 'EntityNotFound', 'The requested resource could not be found.');
  if (!isGatewayAdmin(ctx))
    return fabricError(
      r.res,
      403,
      'InsufficientPrivileges',
      'The caller does not have permission for the gateway.',
    );
  sendJson(r.res, 200, {
    value: cluster.members.map((m) => ({ ...m, publicKey: PUBLIC_KEY })),
  });
}
