/** Datasets (semantic models): everything but tables, columns and measures, which have their own streams. */
import type { DatasetsRecord } from '../generated/records.js';
import type { ScanDataset, ScanWorkspace } from '../powerbi/scan-types.js';
import {
  directQueryRefreshSchedule,
  expressions,
  refreshSchedule,
  relations,
  roles,
} from './dataset-parts.js';
import {
  datasourceUsages,
  endorsementDetails,
  sensitivityLabel,
  upstreamDataflows,
  upstreamDatamarts,
  upstreamDatasets,
} from './nested.js';
import { personal } from './privacy.js';
import { defineStream, type MappingContext } from './stream.js';
import { flag, list, text, utcDateTime } from './values.js';

function toRecord(ds: ScanDataset, id: string, ws: ScanWorkspace, ctx: MappingContext): DatasetsRecord {
  const mode = ctx.userIdentifiers;
  return {
    workspaceId: ws.id,
    scannedAt: ctx.scannedAt,
    id,
    name: text(ds.name),
    description: text(ds.description),
    configuredBy: personal(text(ds.configuredBy), mode),
    configuredById: personal(text(ds.configuredById), mode),
    // Microsoft's schema spells some keys in PascalCase while payloads use camelCase.
    createdDate: utcDateTime(ds.createdDate ?? ds.CreatedDate),
    contentProviderType: text(ds.contentProviderType ?? ds.ContentProviderType),
    targetStorageMode: text(ds.targetStorageMode),
    isEffectiveIdentityRequired: flag(ds.isEffectiveIdentityRequired ?? ds.IsEffectiveIdentityRequired),
    isEffectiveIdentityRolesRequired: flag(
      ds.isEffectiveIdentityRolesRequired ?? ds.IsEffectiveIdentityRolesRequired,
    ),
    isRefreshable: flag(ds.isRefreshable ?? ds.IsRefreshable),
    schemaRetrievalError: text(ds.schemaRetrievalError),
    schemaMayNotBeUpToDate: flag(ds.schemaMayNotBeUpToDate),
    endorsementDetails: endorsementDetails(ds.endorsementDetails, mode),
    sensitivityLabel: sensitivityLabel(ds.sensitivityLabel),
    expressions: expressions(ds.expressions),
    roles: roles(ds.roles, mode),
    refreshSchedule: refreshSchedule(ds.refreshSchedule),
    directQueryRefreshSchedule: directQueryRefreshSchedule(ds.directQueryRefreshSchedule),
    datasourceUsages: datasourceUsages(ds.datasourceUsages),
    misconfiguredDatasourceUsages: datasourceUsages(ds.misconfiguredDatasourceUsages),
    upstreamDataflows: upstreamDataflows(ds.upstreamDataflows),
    upstreamDatamarts: upstreamDatamarts(ds.upstreamDatamarts),
    upstreamDatasets: upstreamDatasets(ds.upstreamDatasets),
    relations: relations(ds.relations),
  };
}

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<DatasetsRecord> {
  for (const ds of list(ws.datasets)) {
    const id = text(ds.id);
    if (id) yield toRecord(ds, id, ws, ctx);
  }
}

export const datasetsStream = defineStream<DatasetsRecord>({
  name: 'datasets',
  primaryKey: ['id'],
  fromWorkspace,
});
