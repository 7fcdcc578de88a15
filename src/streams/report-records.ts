/**
 * A report's outcome → the records of report_definitions, report_pages and report_visuals. All
 * three carry the outcome's readAt, so rows of a report older than its report_definitions row are
 * pages or visuals that no longer exist.
 */
import type {
  ReportDefinitionsRecord,
  ReportPagesRecord,
  ReportVisualsRecord,
} from '../generated/records.js';
import type { DatasetSchemas } from './report-dataset-schemas.js';
import type { ParsedVisual, ReportMeasure, VisualField } from './report-definition-model.js';
import type { ReportOutcome } from './report-fetch.js';

type Field = NonNullable<ReportVisualsRecord['fields']>[number];

const MAX_PROBLEMS = 10;

export function definitionRecord(outcome: ReportOutcome): ReportDefinitionsRecord {
  const { target, definition } = outcome;
  const pages = definition?.pages ?? outcome.fallbackPages;
  return {
    reportId: target.id,
    workspaceId: target.workspaceId,
    readAt: outcome.readAt,
    reportName: target.name,
    reportModifiedDateTime: target.modified || null,
    datasetId: target.datasetId,
    datasetWorkspaceId: target.datasetWorkspaceId,
    status: outcome.status,
    reason: outcome.reason,
    vendorCode: outcome.vendorCode,
    source: definition ? 'definition' : outcome.fallbackPages ? 'pages_api' : null,
    format: definition?.format ?? null,
    definitionDatasetId: definition?.datasetId ?? null,
    pageCount: pages ? pages.length : null,
    visualCount: definition ? definition.visuals.length : null,
    fieldCount: definition ? definition.visuals.reduce((n, v) => n + v.fields.length, 0) : null,
    reportMeasures: definition ? definition.reportMeasures : null,
    problems:
      definition && definition.problems.length > 0 ? definition.problems.slice(0, MAX_PROBLEMS) : null,
    apiCalls: outcome.calls,
  };
}

export function pageRecords(outcome: ReportOutcome): ReportPagesRecord[] {
  const { target, definition } = outcome;
  const base = { reportId: target.id, workspaceId: target.workspaceId, readAt: outcome.readAt };
  if (definition) {
    const counts = new Map<string, number>();
    for (const v of definition.visuals) counts.set(v.pageName, (counts.get(v.pageName) ?? 0) + 1);
    return definition.pages.map((page) => ({
      ...base,
      ...page,
      visualCount: counts.get(page.name) ?? 0,
      source: 'definition' as const,
    }));
  }
  return (outcome.fallbackPages ?? []).map((page) => ({
    ...base,
    ...page,
    hidden: null,
    visualCount: null,
    source: 'pages_api' as const,
  }));
}

function isReportMeasure(field: VisualField, measures: readonly ReportMeasure[]): boolean {
  if (field.reportMeasure) return true;
  if (field.kind !== 'measure' || !field.measure) return false;
  const name = field.measure.toLowerCase();
  const table = field.table?.toLowerCase();
  return measures.some((m) => m.name.toLowerCase() === name && m.table.toLowerCase() === table);
}

/**
 * The field as the record carries it, checked against the dataset: a hierarchy level without a
 * column of its own is taken to show the column of the same name, when the table has one.
 */
function resolveField(
  field: VisualField,
  datasetId: string | null,
  reportMeasures: readonly ReportMeasure[],
  schemas: DatasetSchemas | undefined,
): Field {
  const reportMeasure = isReportMeasure(field, reportMeasures);
  const out: Field = { ...field, reportMeasure };
  if (reportMeasure) return { ...out, resolved: false };
  const has = (kind: 'column' | 'measure', name: string | null) =>
    schemas?.has(datasetId, kind, field.table, name);
  if (field.kind === 'measure') return { ...out, resolved: has('measure', field.measure) ?? null };
  if (field.kind === 'hierarchy_level' && !field.column) {
    const levelIsColumn = has('column', field.level);
    return levelIsColumn
      ? { ...out, column: field.level, resolved: true }
      : { ...out, resolved: levelIsColumn ?? null };
  }
  return { ...out, resolved: has('column', field.column) ?? null };
}

function visualRecord(
  outcome: ReportOutcome,
  visual: ParsedVisual,
  reportMeasures: readonly ReportMeasure[],
  schemas: DatasetSchemas | undefined,
): ReportVisualsRecord {
  const { target } = outcome;
  const { fields, ...rest } = visual;
  return {
    reportId: target.id,
    workspaceId: target.workspaceId,
    readAt: outcome.readAt,
    datasetId: target.datasetId,
    datasetWorkspaceId: target.datasetWorkspaceId ?? target.workspaceId,
    ...rest,
    fields: fields.map((f) => resolveField(f, target.datasetId, reportMeasures, schemas)),
  };
}

export function visualRecords(
  outcome: ReportOutcome,
  schemas: DatasetSchemas | undefined,
): ReportVisualsRecord[] {
  const definition = outcome.definition;
  if (!definition) return [];
  return definition.visuals.map((v) => visualRecord(outcome, v, definition.reportMeasures, schemas));
}
