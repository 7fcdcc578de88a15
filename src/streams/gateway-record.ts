/** Gateways seen by the scan and listed by Get Gateways → gateways records. */
import type { GatewaysRecord } from '../generated/records.js';
import { field, isObject, type JsonObject } from '../powerbi/json-shapes.js';
import type { ScanBatch } from './stream.js';
import { list, text } from './values.js';

/** The scan's datasource instances per gatewayId (lower case): datasource ids bound to each. */
export function scanGatewayDatasources(batch: ScanBatch, into: Map<string, Set<string>>): void {
  for (const instances of [batch.datasourceInstances, batch.misconfiguredDatasourceInstances])
    for (const instance of list(instances)) {
      const gatewayId = text(instance.gatewayId)?.toLowerCase();
      if (!gatewayId) continue;
      const ids = into.get(gatewayId) ?? new Set<string>();
      const datasourceId = text(instance.datasourceId);
      if (datasourceId) ids.add(datasourceId);
      into.set(gatewayId, ids);
    }
}

type Member = NonNullable<GatewaysRecord['members']>[number];

/** gatewayAnnotation is a JSON string; its version is the one fact it reliably carries. */
function annotationVersion(gateway: JsonObject): string | null {
  const raw = text(field(gateway, 'gatewayAnnotation'));
  if (!raw) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isObject(parsed) ? text(field(parsed, 'gatewayVersion')) : null;
  } catch {
    return null;
  }
}

export function toMember(member: JsonObject): Member | null {
  const id = text(field(member, 'id'));
  if (!id) return null;
  return {
    id: id.toLowerCase(),
    name: text(field(member, 'displayName')),
    version: text(field(member, 'version')),
  };
}

export interface GatewayFacts {
  id: string;
  /** Get Gateways' entry; undefined when the identity is not its admin. */
  api?: JsonObject;
  scanDatasourceIds?: ReadonlySet<string>;
  /** Get Datasources' ids; undefined when it was not called or refused. */
  apiDatasourceIds?: readonly string[];
  members?: Member[];
}

function sourceOf(facts: GatewayFacts): GatewaysRecord['source'] {
  if (facts.api && facts.scanDatasourceIds) return 'scan+api';
  return facts.api ? 'api' : 'scan';
}

export function toGatewayRecord(facts: GatewayFacts, readAt: string): GatewaysRecord {
  const { api } = facts;
  const datasourceIds = new Set([...(facts.scanDatasourceIds ?? []), ...(facts.apiDatasourceIds ?? [])]);
  return {
    id: facts.id,
    readAt,
    source: sourceOf(facts),
    name: api ? text(field(api, 'name')) : null,
    type: api ? text(field(api, 'type')) : null,
    status: api ? text(field(api, 'gatewayStatus')) : null,
    version: api ? annotationVersion(api) : null,
    members: facts.members ?? null,
    datasourceIds: [...datasourceIds].sort(),
    apiDatasourceIds: facts.apiDatasourceIds ? [...facts.apiDatasourceIds].sort() : null,
  };
}
