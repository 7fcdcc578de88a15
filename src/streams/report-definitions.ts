/**
 * report_definitions: one row per report the Fabric API was asked about (or that needs no asking),
 * with its status and the reason it could not be read. Reads through report-read.ts, shared with
 * report_pages and report_visuals.
 */
import type { ReportDefinitionsRecord } from '../generated/records.js';
import { defineApiStream, type ApiItem, type ApiReadInput } from './api-stream.js';
import { readReports } from './report-read.js';
import { definitionRecord } from './report-records.js';
import { ReportTargetObserver } from './report-targets.js';

function read(input: ApiReadInput): AsyncGenerator<ApiItem<ReportDefinitionsRecord>> {
  return readReports('report_definitions', input, (outcome) => [definitionRecord(outcome)]);
}

export const reportDefinitionsStream = defineApiStream<ReportDefinitionsRecord>({
  name: 'report_definitions',
  primaryKey: ['reportId'],
  cursorField: 'readAt',
  enabled: (options) => options.reportDefinitions.enabled,
  observeScan: () => new ReportTargetObserver({ withSchemas: false }),
  read,
});
