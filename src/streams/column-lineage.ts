/**
 * The column_lineage stream: each data column of a model table traced through its Power Query M
 * to warehouse columns (or to columns of another table of the model), and each calculated column
 * and measure to the columns and measures its DAX reads.
 */
import type { ColumnLineageRecord } from '../generated/records.js';
// Not from lineage/index.ts: that loads the M and SQL parsers, which with worker threads only the workers need.
import type { daxReferences, DaxModel, DaxReference } from '../lineage/dax/dax-references.js';
import type {
  ColumnLineage,
  ColumnOrigin,
  LineageDiagnostic,
  MExpressionInput,
  MLineageResult,
} from '../lineage/index.js';
import type { ScanDataset, ScanWorkspace } from '../powerbi/scan-types.js';
import { keyedTables } from './dataset-tables.js';
import { startMAnalyses, upstreamName } from './lineage-m-edges.js';
import { sha256Hex } from './privacy.js';
import { defineStream, type MappingContext } from './stream.js';
import { list, text } from './values.js';

type Row = Omit<
  ColumnLineageRecord,
  'edgeId' | 'workspaceId' | 'scannedAt' | 'datasetId' | 'datasetName' | 'tableName'
>;
type Upstream = NonNullable<ColumnLineageRecord['upstream']>;
type Diagnostic = NonNullable<ColumnLineageRecord['diagnostics']>[number];

function warehouseUpstream(origin: ColumnOrigin): Upstream {
  return { ...upstreamName(origin.table), column: origin.column, partial: origin.table.partial ?? null };
}

function modelUpstream(table: string, column: string): Upstream {
  return {
    platform: 'powerbi',
    server: null,
    database: null,
    schema: null,
    table,
    qualifiedName: table.toLowerCase(),
    column,
    partial: null,
  };
}

function diagnosticsFor(name: string, diagnostics: readonly LineageDiagnostic[]): Diagnostic[] | null {
  const own = diagnostics
    .filter((d) => d.kind === 'opaque_columns' && d.message.includes(`"${name}"`))
    .map((d) => ({ kind: d.kind, message: d.message }));
  return own.length > 0 ? own : null;
}

/** Lower-cased model table name -> the lower-cased names of its data columns (its M output). */
type ModelColumns = ReadonlyMap<string, ReadonlySet<string>>;

function modelColumnsOf(dataset: ScanDataset): ModelColumns {
  const tables = new Map<string, Set<string>>();
  for (const table of list(dataset.tables)) {
    const name = text(table.name);
    const columns = list(table.columns).flatMap((column) => {
      const type = text(column.columnType);
      const columnName = text(column.name);
      return columnName !== null && (type === null || type === 'Data') ? [columnName.toLowerCase()] : [];
    });
    // A table the scan lists without columns says nothing about which it has.
    if (name !== null && columns.length > 0) tables.set(name.toLowerCase(), new Set(columns));
  }
  return tables;
}

/**
 * Another model table's column is read only if that table has it: M passes the referenced
 * query's columns through, and the model says which those are. Left with no origin, the column
 * is opaque, with a diagnostic naming it.
 */
function withinModel(
  lineage: ColumnLineage,
  model: ModelColumns,
): { lineage: ColumnLineage; note?: LineageDiagnostic } {
  const absent = (origin: ColumnOrigin): boolean =>
    origin.table.kind === 'model_table' &&
    model.get(origin.table.table.toLowerCase())?.has(origin.column.toLowerCase()) === false;
  const missing = lineage.upstreams.filter(absent);
  if (missing.length === 0) return { lineage };
  const upstreams = lineage.upstreams.filter((origin) => !absent(origin));
  if (upstreams.length > 0) return { lineage: { ...lineage, upstreams } };
  const tables = [...new Set(missing.map((origin) => `"${origin.table.table}"`))].join(', ');
  return {
    lineage: { ...lineage, upstreams, transformation: 'identity', opaque: true },
    note: {
      kind: 'opaque_columns',
      message: `Column lineage stops for "${lineage.column}": the model table ${tables} this query reads has no such column.`,
    },
  };
}

/** Problems that leave a table expression without any column answer. */
const NO_ANSWER = new Set(['unparsable_expression', 'limit_exceeded', 'analysis_failed']);

/**
 * Data columns of an M that gave no column answer (it does not parse, hit a limit or failed):
 * each is opaque, with the analysis's reason. DAX (a calculated table) has no M columns.
 */
function unansweredRows(input: MExpressionInput, result: MLineageResult): Row[] {
  if (result.columns !== undefined) return [];
  const notes = result.diagnostics
    .filter((d) => NO_ANSWER.has(d.kind))
    .map((d) => ({ kind: d.kind, message: d.message }));
  if (notes.length === 0) return [];
  return (input.columns ?? []).map((name) => ({
    name,
    downstreamKind: 'column',
    transformation: 'identity',
    upstreamKind: 'none',
    upstream: null,
    opaque: true,
    diagnostics: notes,
  }));
}

/** Rows of one data column from its M column lineage. */
function mRows(traced: ColumnLineage, diagnostics: readonly LineageDiagnostic[], model: ModelColumns): Row[] {
  const { lineage, note } = withinModel(traced, model);
  const base = {
    name: lineage.column,
    downstreamKind: 'column' as const,
    transformation: lineage.transformation,
  };
  const opaque = lineage.opaque === true;
  const notes = opaque ? diagnosticsFor(lineage.column, note === undefined ? diagnostics : [note]) : null;
  const rows: Row[] = lineage.upstreams.map((origin) => ({
    ...base,
    upstreamKind: origin.table.kind === 'model_table' ? 'model_column' : 'warehouse_column',
    upstream:
      origin.table.kind === 'model_table'
        ? modelUpstream(origin.table.table, origin.column)
        : warehouseUpstream(origin),
    opaque,
    diagnostics: notes,
  }));
  if (rows.length === 0 && opaque)
    rows.push({ ...base, upstreamKind: 'none', upstream: null, opaque, diagnostics: notes });
  return rows;
}

function daxModelOf(dataset: ScanDataset): DaxModel {
  const tables = new Map<string, string[]>();
  const measures = new Map<string, string>();
  for (const table of list(dataset.tables)) {
    const name = text(table.name);
    if (name === null) continue;
    tables.set(
      name,
      list(table.columns).flatMap((column) => text(column.name) ?? []),
    );
    for (const measure of list(table.measures)) {
      const measureName = text(measure.name);
      if (measureName !== null) measures.set(measureName, name);
    }
  }
  return { tables, measures };
}

/** Rows of a measure or calculated column from the references of its DAX. */
function daxRows(
  daxReferencesOf: typeof daxReferences,
  name: string,
  downstreamKind: 'measure' | 'calculated_column',
  expression: string,
  host: string,
  model: DaxModel,
): Row[] {
  const { references, diagnostics } = daxReferencesOf(expression, { table: host }, model);
  const notes =
    diagnostics.length > 0 ? diagnostics.map((d) => ({ kind: d.kind, message: d.message })) : null;
  const upstreamOf = (reference: DaxReference): [Row['upstreamKind'], Upstream] | undefined => {
    if (reference.kind === 'column')
      return ['model_column', modelUpstream(reference.table, reference.column)];
    if (reference.kind === 'measure') return ['measure', modelUpstream(reference.table, reference.measure)];
    return undefined;
  };
  return references.flatMap((reference) => {
    const found = upstreamOf(reference);
    if (found === undefined) return [];
    const [upstreamKind, upstream] = found;
    return [
      {
        name,
        downstreamKind,
        upstreamKind,
        upstream,
        transformation: 'derived' as const,
        opaque: false,
        diagnostics: notes,
      },
    ];
  });
}

function edgeIdOf(workspaceId: string, datasetId: string, tableName: string, row: Row): string {
  const up = row.upstream;
  const parts = [workspaceId, datasetId, tableName, row.name, row.downstreamKind, row.upstreamKind];
  const upstream =
    up === null || up === undefined ? [] : [up.platform, up.server, up.qualifiedName, up.column];
  return sha256Hex(
    JSON.stringify(
      [...parts, ...upstream].map((part) => (typeof part === 'string' ? part.toLowerCase() : null)),
    ),
  );
}

async function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): AsyncIterable<ColumnLineageRecord> {
  // Both M and DAX come with the scan's dataset expressions; without them there is nothing to trace.
  if (!ctx.lineage.enabled) return;
  // Loaded here, not at import: a read without this stream (and discover) need no DAX reader.
  const dax = await import('../lineage/dax/dax-references.js');
  const analyses = new Map(
    startMAnalyses(ws, ctx, true).map((table) => [
      `${table.source.sourceId}\u0000${table.source.sourceTableName ?? ''}`,
      table,
    ]),
  );
  const models = new Map<ScanDataset, { dax: DaxModel; columns: ModelColumns }>();
  const seen = new Set<string>();
  for (const { dataset, datasetId, table, tableName } of keyedTables(ws)) {
    const known = models.get(dataset) ?? { dax: daxModelOf(dataset), columns: modelColumnsOf(dataset) };
    models.set(dataset, known);
    const model = known.dax;
    const rows: Row[] = [];
    const analysed = analyses.get(`${datasetId}\u0000${tableName}`);
    const results = analysed === undefined ? [] : await analysed.results;
    results.forEach((result, index) => {
      const input = analysed?.inputs[index];
      if (input !== undefined) rows.push(...unansweredRows(input, result));
      for (const lineage of result.columns ?? [])
        rows.push(...mRows(lineage, result.diagnostics, known.columns));
    });
    for (const column of list(table.columns)) {
      const name = text(column.name);
      const expression = text(column.expression);
      if (name !== null && expression !== null && text(column.columnType) === 'Calculated')
        rows.push(...daxRows(dax.daxReferences, name, 'calculated_column', expression, tableName, model));
    }
    for (const measure of list(table.measures)) {
      const name = text(measure.name);
      const expression = text(measure.expression);
      if (name !== null && expression !== null)
        rows.push(...daxRows(dax.daxReferences, name, 'measure', expression, tableName, model));
    }
    for (const row of rows) {
      const edgeId = edgeIdOf(ws.id, datasetId, tableName, row);
      if (seen.has(edgeId)) continue;
      seen.add(edgeId);
      yield {
        edgeId,
        workspaceId: ws.id,
        scannedAt: ctx.scannedAt,
        datasetId,
        datasetName: text(dataset.name),
        tableName,
        ...row,
      };
    }
  }
}

export const columnLineageStream = defineStream<ColumnLineageRecord>({
  name: 'column_lineage',
  primaryKey: ['edgeId'],
  fromWorkspace,
});
