/** Tiles of dashboards, keyed by their dashboard. */
import type { DashboardTilesRecord } from '../generated/records.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { defineStream, type MappingContext } from './stream.js';
import { list, text } from './values.js';

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<DashboardTilesRecord> {
  for (const dashboard of list(ws.dashboards)) {
    const dashboardId = text(dashboard.id);
    if (!dashboardId) continue;
    for (const tile of list(dashboard.tiles)) {
      const id = text(tile.id);
      if (!id) continue;
      yield {
        workspaceId: ws.id,
        scannedAt: ctx.scannedAt,
        dashboardId,
        id,
        title: text(tile.title),
        subTitle: text(tile.subTitle),
        reportId: text(tile.reportId),
        datasetId: text(tile.datasetId),
        datasetWorkspaceId: text(tile.datasetWorkspaceId),
      };
    }
  }
}

export const dashboardTilesStream = defineStream<DashboardTilesRecord>({
  name: 'dashboard_tiles',
  primaryKey: ['dashboardId', 'id'],
  fromWorkspace,
});
