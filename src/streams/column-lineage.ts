/**
 * The column_lineage stream: each data column of a model table traced through its Power Query M
 * to warehouse columns (or to columns of another table of the model), and each calculated column
 * and measure to the columns and measures its DAX reads.
 */
import type { ColumnLineageRecord } from '../generated/records.js';
// Not from lineage/index.ts: that loads the M and SQL parsers, which with worker threads only the workers need.
import type { daxReferences, DaxModel, DaxReference } from '../lineage/dax/dax-references.js';
import type { ColumnLineage, ColumnOrigin, LineageDiagnostic } from '../lineage/index.js';
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

/** Rows of one data column from its M column lineage. */
function mRows(lineage: ColumnLineage, diagnostics: readonly LineageDiagnostic[]): Row[] {
  const base = {
    name: lineage.column,
    downstreamKind: 'column' as const,
    transformation: lineage.transformation,
  };
  const opaque = lineage.opaque === true;
  const notes = opaque ? diagnosticsFor(lineage.column, diagnostics) : null;
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
  const models = new Map<ScanDataset, DaxModel>();
  const seen = new Set<string>();
  for (const { dataset, datasetId, table, tableName } of keyedTables(ws)) {
    const model = models.get(dataset) ?? daxModelOf(dataset);
    models.set(dataset, model);
    const rows: Row[] = [];
    const analysed = analyses.get(`${datasetId}\u0000${tableName}`);
    for (const result of analysed === undefined ? [] : await analysed.results)
      for (const lineage of result.columns ?? []) rows.push(...mRows(lineage, result.diagnostics));
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
