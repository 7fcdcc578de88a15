/**
 * The tenant's on-premises data gateway clusters: the three gateway ids the datasource pool binds
 * datasource instances to (datasources.ts), plus one cluster no datasource uses. Each cluster is
 * named by its primary member's id (what Power BI calls the gateway id) and has one to three
 * members. The gateway API lists, per gateway, the pool's instances bound to it.
 */
import { rngFrom, uuidFor } from '../random.js';
import type { TenantContext } from './context.js';
import type { DatasourceInstance } from './types.js';

export interface GatewayMember {
  id: string;
  displayName: string;
  version: string;
  enabled: boolean;
}

export interface GatewayCluster {
  id: string;
  name: string;
  /** Power BI's Get Gateways type of an on-premises (standard mode) gateway. */
  type: 'Resource';
  status: 'Live';
  version: string;
  contact: string;
  /** The primary member first (its id is the cluster's id). */
  members: GatewayMember[];
  /** Datasource instances of the pool bound to this gateway (Get Datasources). */
  datasources: DatasourceInstance[];
}

const VERSIONS = ['3000.246.5', '3000.250.3', '3000.254.2'];
const SITES = ['Amsterdam', 'Dallas', 'Singapore', 'Frankfurt'];

function poolInstances(ctx: TenantContext): DatasourceInstance[] {
  const pooled = [...ctx.pool.byFamily.values()].flat().map((p) => p.instance);
  return [...pooled, ctx.pool.misconfigured];
}

/** Every gateway cluster of the tenant, primary ids in the pool's order, then the unused one. */
export function listGatewayClusters(ctx: TenantContext): GatewayCluster[] {
  const instances = poolInstances(ctx);
  const ids = [...ctx.pool.gateways, uuidFor(ctx.seed, 'gateway', 'unused')];
  return ids.map((id, i) => {
    const rng = rngFrom(ctx.seed, 'gateway-cluster', i);
    const site = rng.pick(SITES);
    const version = rng.pick(VERSIONS);
    const memberCount = rng.int(1, 3);
    const members = Array.from({ length: memberCount }, (_, m) => ({
      id: m === 0 ? id : uuidFor(ctx.seed, 'gateway-member', i, m),
      displayName: `GW-${site.toUpperCase()}-0${m + 1}`,
      version: m === 0 ? version : rng.pick(VERSIONS),
      enabled: m === 0 || rng.chance(0.8),
    }));
    return {
      id,
      name: `${site} on-premises gateway ${i + 1}`,
      type: 'Resource',
      status: 'Live',
      version,
      contact: `gateway-admins@${ctx.emailDomain}`,
      members,
      datasources: instances.filter((d) => d.gatewayId === id),
    };
  });
}
