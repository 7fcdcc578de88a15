/**
 * Datasource instances of a scan batch. They are tenant-level (a gateway datasource serves many
 * workspaces), so they carry the batch's scannedAt and no workspaceId; current ones are those that
 * current lineage edges point at (see docs/streams.md).
 */
import type { DatasourcesRecord } from '../generated/records.js';
import type { ScanConnectionDetails, ScanDatasourceInstance } from '../powerbi/scan-types.js';
import { personal, sha256Hex, type UserIdentifiersMode } from './privacy.js';
import { defineStream, type MappingContext, type ScanBatch } from './stream.js';
import { list, text } from './values.js';

type ConnectionDetails = NonNullable<DatasourcesRecord['connectionDetails']>;

function connectionDetails(value: ScanConnectionDetails | null | undefined, mode: UserIdentifiersMode) {
  if (!value || typeof value !== 'object') return null;
  const details: ConnectionDetails = {};
  for (const [key, raw] of Object.entries(value)) {
    if (raw === null || typeof raw === 'string') details[key] = raw;
    else if (typeof raw === 'number' || typeof raw === 'boolean') details[key] = String(raw);
  }
  // emailAddress is an Exchange mailbox: a person's address.
  if ('emailAddress' in details) details.emailAddress = personal(text(details.emailAddress), mode);
  return details;
}

/** Power BI omits datasourceId for sources bound to no gateway; derive a stable one from what identifies them. */
function datasourceKey(instance: ScanDatasourceInstance): string {
  const id = text(instance.datasourceId);
  if (id) return id;
  const details = Object.entries(instance.connectionDetails ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return `derived:${sha256Hex(JSON.stringify([instance.datasourceType ?? null, details, instance.gatewayId ?? null]))}`;
}

function toRecord(
  instance: ScanDatasourceInstance,
  misconfigured: boolean,
  ctx: MappingContext,
): DatasourcesRecord {
  return {
    scannedAt: ctx.scannedAt,
    datasourceId: datasourceKey(instance),
    datasourceType: text(instance.datasourceType),
    connectionDetails: connectionDetails(instance.connectionDetails, ctx.userIdentifiers),
    gatewayId: text(instance.gatewayId),
    name: text(instance.name),
    connectionString: text(instance.connectionString),
    misconfigured,
  };
}

function* fromBatch(batch: ScanBatch, ctx: MappingContext): Iterable<DatasourcesRecord> {
  const byKey = new Map<string, DatasourcesRecord>();
  const lists: [readonly ScanDatasourceInstance[], boolean][] = [
    [batch.datasourceInstances, false],
    [batch.misconfiguredDatasourceInstances, true],
  ];
  for (const [instances, misconfigured] of lists) {
    for (const instance of list(instances)) {
      const record = toRecord(instance, misconfigured, ctx);
      const seen = byKey.get(record.datasourceId);
      if (seen) seen.misconfigured ||= misconfigured;
      else byKey.set(record.datasourceId, record);
    }
  }
  yield* byKey.values();
}

export const datasourcesStream = defineStream<DatasourcesRecord>({
  name: 'datasources',
  primaryKey: ['datasourceId'],
  fromBatch,
});
