/** Dashboards; their tiles are the dashboard_tiles stream. */
import type { DashboardsRecord } from '../generated/records.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { endorsementDetails, sensitivityLabel } from './nested.js';
import { defineStream, type MappingContext } from './stream.js';
import { flag, list, text } from './values.js';

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<DashboardsRecord> {
  for (const dashboard of list(ws.dashboards)) {
    const id = text(dashboard.id);
    if (!id) continue;
    yield {
      workspaceId: ws.id,
      scannedAt: ctx.scannedAt,
      id,
      displayName: text(dashboard.displayName),
      isReadOnly: flag(dashboard.isReadOnly),
      appId: text(dashboard.appId),
      dataClassification: text(dashboard.dataClassification),
      endorsementDetails: endorsementDetails(dashboard.endorsementDetails, ctx.userIdentifiers),
      sensitivityLabel: sensitivityLabel(dashboard.sensitivityLabel),
    };
  }
}

export const dashboardsStream = defineStream<DashboardsRecord>({
  name: 'dashboards',
  primaryKey: ['id'],
  fromWorkspace,
});
