/**
 * The lineage stream: item edges from ids in the scan result, Fabric relations and Direct Lake
 * tables (lineage-fabric-edges.ts), plus M edges from tables to warehouse tables.
 */
import type { LineageRecord } from '../generated/records.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { makeEdge } from './lineage-edge.js';
import { fabricEdges } from './lineage-fabric-edges.js';
import { itemEdges } from './lineage-item-edges.js';
import { deferredEdges, mEdges, startMAnalyses, type TableAnalyses } from './lineage-m-edges.js';
import { defineStream, type MappingContext, type ScanBatch } from './stream.js';

/** The same edge can be found twice (a table joining one warehouse table twice); emit it once. */
async function* edges(
  ws: ScanWorkspace,
  ctx: MappingContext,
  analyses: readonly TableAnalyses[],
): AsyncIterable<LineageRecord> {
  const seen = new Set<string>();
  for (const parts of [itemEdges(ws), fabricEdges(ws, ctx.lineage.enabled), mEdges(analyses, ctx)]) {
    for await (const part of parts) {
      const edge = makeEdge(ws.id, ctx, part);
      if (seen.has(edge.edgeId)) continue;
      seen.add(edge.edgeId);
      yield edge;
    }
  }
}

/** M analyses start when the read asks for the workspace's records, not when it iterates them. */
function fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): AsyncIterable<LineageRecord> {
  return edges(ws, ctx, startMAnalyses(ws, ctx));
}

/** Edges of tables that waited for the batch's datasource instances (the read drops repeated edgeIds). */
async function* fromBatch(batch: ScanBatch, ctx: MappingContext): AsyncIterable<LineageRecord> {
  for await (const { workspaceId, parts } of deferredEdges(batch, ctx))
    yield makeEdge(workspaceId, ctx, parts);
}

export const lineageStream = defineStream<LineageRecord>({
  name: 'lineage',
  primaryKey: ['edgeId'],
  fromWorkspace,
  fromBatch,
});
