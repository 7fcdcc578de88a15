/** report_pages: the pages of each report read (src/streams/report-read.ts). */
import type { ReportPagesRecord } from '../generated/records.js';
import { defineApiStream, type ApiItem, type ApiReadInput } from './api-stream.js';
import { readReports } from './report-read.js';
import { pageRecords } from './report-records.js';
import { ReportTargetObserver } from './report-targets.js';

function read(input: ApiReadInput): AsyncGenerator<ApiItem<ReportPagesRecord>> {
  return readReports('report_pages', input, (outcome) => pageRecords(outcome));
}

export const reportPagesStream = defineApiStream<ReportPagesRecord>({
  name: 'report_pages',
  primaryKey: ['reportId', 'name'],
  cursorField: 'readAt',
  enabled: (options) => options.reportDefinitions.enabled,
  observeScan: () => new ReportTargetObserver({ withSchemas: false }),
  read,
});
