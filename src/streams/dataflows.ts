/** Dataflows, keyed by Microsoft's `objectId`. */
import type { DataflowsRecord } from '../generated/records.js';
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

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<DataflowsRecord> {
  const mode = ctx.userIdentifiers;
  for (const dataflow of list(ws.dataflows)) {
    const objectId = text(dataflow.objectId);
    if (!objectId) continue;
    yield {
      workspaceId: ws.id,
      scannedAt: ctx.scannedAt,
      objectId,
      name: text(dataflow.name),
      description: text(dataflow.description),
      modelUrl: text(dataflow.modelUrl),
      configuredBy: personal(text(dataflow.configuredBy), mode),
      modifiedBy: personal(text(dataflow.modifiedBy), mode),
      modifiedDateTime: utcDateTime(dataflow.modifiedDateTime),
      endorsementDetails: endorsementDetails(dataflow.endorsementDetails, mode),
      sensitivityLabel: sensitivityLabel(dataflow.sensitivityLabel),
      datasourceUsages: datasourceUsages(dataflow.datasourceUsages),
      misconfiguredDatasourceUsages: datasourceUsages(dataflow.misconfiguredDatasourceUsages),
      upstreamDataflows: upstreamDataflows(dataflow.upstreamDataflows),
      upstreamDatamarts: upstreamDatamarts(dataflow.upstreamDatamarts),
    };
  }
}

export const dataflowsStream = defineStream<DataflowsRecord>({
  name: 'dataflows',
  primaryKey: ['objectId'],
  fromWorkspace,
});
