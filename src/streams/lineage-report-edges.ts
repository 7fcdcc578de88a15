/**
 * Edges from reports and tiles: report → dataset (datasetId), app report → original report
 * (originalReportObjectId), tile → report (reportId) and tile → dataset (datasetId). The target's
 * workspace is the one the scan names, else this workspace when the target is listed in it, else
 * unknown (null).
 */
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import type { EdgeParts } from './lineage-edge.js';
import type { EdgeSource } from './lineage-upstream-edges.js';
import { list, text } from './values.js';

type Target = Pick<EdgeParts, 'relation' | 'targetType'>;

function edgeTo(
  source: EdgeSource,
  target: Target,
  id: unknown,
  named: unknown,
  local: Set<string | null>,
  ws: ScanWorkspace,
) {
  const targetId = text(id);
  if (!targetId) return [];
  const targetWorkspaceId = text(named) ?? (local.has(targetId) ? ws.id : null);
  return [{ ...source, ...target, targetId, targetWorkspaceId }];
}

export function* reportAndTileEdges(ws: ScanWorkspace): Iterable<EdgeParts> {
  const reports = new Set(list(ws.reports).map((r) => text(r.id)));
  const datasets = new Set(list(ws.datasets).map((d) => text(d.id)));
  const toDataset: Target = { relation: 'datasetId', targetType: 'dataset' };
  for (const report of list(ws.reports)) {
    const sourceId = text(report.id);
    if (!sourceId) continue;
    const source: EdgeSource = { sourceType: 'report', sourceId, sourceName: text(report.name) };
    yield* edgeTo(source, toDataset, report.datasetId, report.datasetWorkspaceId, datasets, ws);
    const toOriginal: Target = { relation: 'originalReportObjectId', targetType: 'report' };
    yield* edgeTo(source, toOriginal, report.originalReportObjectId, null, reports, ws);
  }
  for (const dashboard of list(ws.dashboards)) {
    const sourceDashboardId = text(dashboard.id);
    if (!sourceDashboardId) continue;
    for (const tile of list(dashboard.tiles)) {
      const sourceId = text(tile.id);
      if (!sourceId) continue;
      const source: EdgeSource = {
        sourceType: 'dashboard_tile',
        sourceId,
        sourceName: text(tile.title),
        sourceDashboardId,
      };
      yield* edgeTo(source, { relation: 'reportId', targetType: 'report' }, tile.reportId, null, reports, ws);
      yield* edgeTo(source, toDataset, tile.datasetId, tile.datasetWorkspaceId, datasets, ws);
    }
  }
}
