/**
 * report_visuals: the visuals of each report read and the model fields each shows, checked against
 * the report's semantic model as this sync's scan saw it (src/streams/report-read.ts).
 */
import type { ReportVisualsRecord } from '../generated/records.js';
import { defineApiStream, type ApiItem, type ApiReadInput } from './api-stream.js';
import { readReports } from './report-read.js';
import { visualRecords } from './report-records.js';
import { ReportTargetObserver } from './report-targets.js';

function read(input: ApiReadInput): AsyncGenerator<ApiItem<ReportVisualsRecord>> {
  return readReports('report_visuals', input, (outcome, observer) =>
    visualRecords(outcome, observer?.schemas),
  );
}

export const reportVisualsStream = defineApiStream<ReportVisualsRecord>({
  name: 'report_visuals',
  primaryKey: ['reportId', 'pageName', 'id'],
  cursorField: 'readAt',
  enabled: (options) => options.reportDefinitions.enabled,
  observeScan: () => new ReportTargetObserver({ withSchemas: true }),
  read,
});
