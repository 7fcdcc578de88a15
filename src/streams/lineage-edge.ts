/**
 * One edge shape for every lineage relation. Direction: the source depends on (reads from) the
 * target, as in Microsoft's `upstreamDataflows[].targetDataflowId`; data flows target → source.
 */
import type { LineageRecord } from '../generated/records.js';
import { sha256Hex } from './privacy.js';
import type { MappingContext } from './stream.js';

export type EdgeParts = Omit<LineageRecord, 'edgeId' | 'workspaceId' | 'scannedAt'>;

/**
 * The identity of an edge is everything but names and diagnostics, lower-cased (Power BI ids and
 * model names compare case-insensitively), so re-scans produce the same edgeId.
 */
function edgeIdentity(workspaceId: string, e: EdgeParts): string {
  const parts = [
    workspaceId,
    e.relation,
    e.sourceType,
    e.sourceId,
    e.sourceDashboardId,
    e.sourceTableName,
    e.targetType,
    e.targetId,
    e.upstream?.platform,
    e.upstream?.server,
    e.upstream?.qualifiedName,
  ];
  return JSON.stringify(parts.map((part) => (typeof part === 'string' ? part.toLowerCase() : null)));
}

export function makeEdge(workspaceId: string, ctx: MappingContext, parts: EdgeParts): LineageRecord {
  return {
    edgeId: sha256Hex(edgeIdentity(workspaceId, parts)),
    workspaceId,
    scannedAt: ctx.scannedAt,
    sourceName: null,
    sourceDashboardId: null,
    sourceTableName: null,
    targetId: null,
    targetWorkspaceId: null,
    upstream: null,
    diagnostics: null,
    ...parts,
  };
}
