/** Reports (Power BI and paginated), with endorsement, sensitivity label and their dataset. */
import type { ReportsRecord } from '../generated/records.js';
import type { ScanReport, ScanWorkspace } from '../powerbi/scan-types.js';
import { endorsementDetails, sensitivityLabel } from './nested.js';
import { personal } from './privacy.js';
import { defineStream, type MappingContext } from './stream.js';
import { flag, list, text, utcDateTime } from './values.js';

function toRecord(report: ScanReport, id: string, ws: ScanWorkspace, ctx: MappingContext): ReportsRecord {
  const mode = ctx.userIdentifiers;
  return {
    workspaceId: ws.id,
    scannedAt: ctx.scannedAt,
    id,
    name: text(report.name),
    description: text(report.description),
    reportType: text(report.reportType),
    datasetId: text(report.datasetId),
    datasetWorkspaceId: text(report.datasetWorkspaceId),
    appId: text(report.appId),
    originalReportId: text(report.originalReportId),
    originalReportObjectId: text(report.originalReportObjectId),
    isOwnedByMe: flag(report.isOwnedByMe),
    createdBy: personal(text(report.createdBy), mode),
    createdById: personal(text(report.createdById), mode),
    modifiedBy: personal(text(report.modifiedBy), mode),
    modifiedById: personal(text(report.modifiedById), mode),
    createdDateTime: utcDateTime(report.createdDateTime),
    modifiedDateTime: utcDateTime(report.modifiedDateTime),
    endorsementDetails: endorsementDetails(report.endorsementDetails, mode),
    sensitivityLabel: sensitivityLabel(report.sensitivityLabel),
  };
}

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<ReportsRecord> {
  for (const report of list(ws.reports)) {
    const id = text(report.id);
    if (id) yield toRecord(report, id, ws, ctx);
  }
}

export const reportsStream = defineStream<ReportsRecord>({
  name: 'reports',
  primaryKey: ['id'],
  fromWorkspace,
});
