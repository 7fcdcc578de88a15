/** Datamarts. Microsoft's example spells `UpstreamDataflows` and `Users` in PascalCase; both spellings are read. */
import type { DatamartsRecord } from '../generated/records.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import {
  datasourceUsages,
  endorsementDetails,
  sensitivityLabel,
  upstreamDataflows,
  upstreamDatamarts,
} from './nested.js';
import { personal } from './privacy.js';
import { defineStream, type MappingContext } from './stream.js';
import { list, text, utcDateTime } from './values.js';

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<DatamartsRecord> {
  const mode = ctx.userIdentifiers;
  for (const datamart of list(ws.datamarts)) {
    const id = text(datamart.id);
    if (!id) continue;
    yield {
      workspaceId: ws.id,
      scannedAt: ctx.scannedAt,
      id,
      name: text(datamart.name),
      description: text(datamart.description),
      type: text(datamart.type),
      status: text(datamart.status),
      state: text(datamart.state),
      suspendedBatchId: text(datamart.suspendedBatchId),
      configuredBy: personal(text(datamart.configuredBy), mode),
      configuredById: personal(text(datamart.configuredById), mode),
      modifiedBy: personal(text(datamart.modifiedBy), mode),
      modifiedById: personal(text(datamart.modifiedById), mode),
      modifiedDateTime: utcDateTime(datamart.modifiedDateTime),
      endorsementDetails: endorsementDetails(datamart.endorsementDetails, mode),
      sensitivityLabel: sensitivityLabel(datamart.sensitivityLabel),
      datasourceUsages: datasourceUsages(datamart.datasourceUsages),
      upstreamDataflows: upstreamDataflows(datamart.upstreamDataflows ?? datamart.UpstreamDataflows),
      upstreamDatamarts: upstreamDatamarts(datamart.upstreamDatamarts),
    };
  }
}

export const datamartsStream = defineStream<DatamartsRecord>({
  name: 'datamarts',
  primaryKey: ['id'],
  fromWorkspace,
});
