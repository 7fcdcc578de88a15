/**
 * gateways: every gatewayId the scan's datasource instances carry (a scan stream alone could not
 * name them), joined with Gateways - Get Gateways and Get Datasources where the identity is a
 * gateway admin. That right is granted per gateway, not by the admin API tenant setting: a gateway
 * the identity may not read keeps its row from the scan (name null) and the read logs one WARN.
 */
import type { GatewaysRecord } from '../generated/records.js';
import type { JsonObject } from '../powerbi/json-shapes.js';
import { field } from '../powerbi/json-shapes.js';
import { judgeApiFailure } from './api-refusal.js';
import { defineApiStream, warn, type ApiItem, type ApiReadInput, type ScanObserver } from './api-stream.js';
import { scanGatewayDatasources, toGatewayRecord, toMember, type GatewayFacts } from './gateway-record.js';
import type { ScanBatch } from './stream.js';
import { text } from './values.js';

export class GatewayObserver implements ScanObserver {
  readonly datasources = new Map<string, Set<string>>();
  onWorkspace(): void {}
  onBatch(batch: ScanBatch): void {
    scanGatewayDatasources(batch, this.datasources);
  }
}

const PERMISSION =
  'gateway admin rights (Manage gateways and connections: add the identity as an Admin of each gateway cluster); ' +
  'the read-only admin API tenant setting does not grant them';

/** undefined: refused (no permission) or unknown to the API (e.g. a VNet gateway); other failures end the read. */
async function allowed<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const verdict = judgeApiFailure(error);
    if (verdict === 'denied' || verdict === 'gone') return undefined;
    throw error;
  }
}

async function* read(input: ApiReadInput): AsyncGenerator<ApiItem<GatewaysRecord>> {
  const readAt = input.now.toISOString();
  const scanned =
    input.observer instanceof GatewayObserver ? input.observer.datasources : new Map<string, Set<string>>();
  const listed = await allowed(() => input.client.listGateways());
  if (!listed) yield warn(`gateways: Get Gateways was refused; names and types need ${PERMISSION}.`);
  const facts = new Map<string, GatewayFacts>();
  for (const [id, ids] of scanned) facts.set(id, { id, scanDatasourceIds: ids });
  for (const gateway of listed ?? []) {
    const id = text(field(gateway, 'id'))?.toLowerCase();
    if (id) facts.set(id, { ...facts.get(id), id, api: gateway });
  }
  const unnamed: string[] = [];
  for (const fact of [...facts.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    if (fact.api) {
      const datasources = await allowed(() => input.client.listGatewayDatasources(fact.id));
      if (datasources) fact.apiDatasourceIds = datasourceIds(datasources);
      else unnamed.push(fact.id);
      const members = await allowed(() => input.client.listGatewayMembers(fact.id));
      if (members) fact.members = members.flatMap((m) => toMember(m) ?? []);
    } else if (listed) unnamed.push(fact.id);
    yield { record: toGatewayRecord(fact, readAt) };
  }
  if (unnamed.length > 0)
    yield warn(
      `gateways: ${unnamed.length} gateway(s) used by scanned datasources could not be read (${unnamed.join(', ')}); ` +
        `their rows come from the scan only. Reading them needs ${PERMISSION}.`,
    );
  yield { checkpoint: { version: 1 } };
}

function datasourceIds(datasources: readonly JsonObject[]): string[] {
  return datasources.flatMap((d) => text(field(d, 'id')) ?? []);
}

export const gatewaysStream = defineApiStream<GatewaysRecord>({
  name: 'gateways',
  primaryKey: ['id'],
  cursorField: 'readAt',
  enabled: () => true,
  observeScan: () => new GatewayObserver(),
  read,
});
