/**
 * The column_lineage stream: each data column of a model table traced through its Power Query M
 * to warehouse columns (or to columns of another table of the model), and each calculated column
 * and measure to the columns and measures its DAX reads.
 */
import { hash } from 'node:crypto';
import type { ColumnLineageRecord } from '../generated/records.js';
// Not from lineage/index.ts: that loads the M and SQL parsers, which with worker threads only the workers need.
import type { daxReferences, DaxModel } from '../lineage/dax/dax-references.js';
import type {
  ColumnLineage,
  ColumnOrigin,
  LineageDiagnostic,
  MExpressionInput,
  MLineageResult,
} from '../lineage/index.js';
import type { ScanDataset, ScanTable, ScanWorkspace } from '../powerbi/scan-types.js';
import { keyedTables } from './dataset-tables.js';
import { startMAnalyses, upstreamName, type TableAnalyses } from './lineage-m-edges.js';
import { defineStream, type MappingContext } from './stream.js';
import { list, text } from './values.js';

type Row = Omit<
  ColumnLineageRecord,
  'edgeId' | 'workspaceId' | 'scannedAt' | 'datasetId' | 'datasetName' | 'tableName'
>;
type Upstream = NonNullable<ColumnLineageRecord['upstream']>;
type Diagnostic = NonNullable<ColumnLineageRecord['diagnostics']>[number];

function warehouseUpstream(origin: ColumnOrigin): Upstream {
  // Added to the name's own object (no spread copy), after its fields.
  return Object.assign(upstreamName(origin.table), {
    column: origin.column,
    partial: origin.table.partial ?? null,
  });
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

/** The opaque_columns diagnostics (`notes`: only those) that name the column. */
function diagnosticsFor(name: string, notes: readonly LineageDiagnostic[]): Diagnostic[] | null {
  if (notes.length === 0) return null;
  const quoted = `"${name}"`;
  const own: Diagnostic[] = [];
  for (const d of notes) if (d.message.includes(quoted)) own.push({ kind: d.kind, message: d.message });
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
  if (!lineage.upstreams.some(absent)) return { lineage };
  const missing = lineage.upstreams.filter(absent);
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
function pushUnansweredRows(rows: Row[], input: MExpressionInput, result: MLineageResult): void {
  if (result.columns !== undefined) return;
  const notes = result.diagnostics
    .filter((d) => NO_ANSWER.has(d.kind))
    .map((d) => ({ kind: d.kind, message: d.message }));
  if (notes.length === 0) return;
  for (const name of input.columns ?? [])
    rows.push({
      name,
      downstreamKind: 'column',
      transformation: 'identity',
      upstreamKind: 'none',
      upstream: null,
      opaque: true,
      diagnostics: notes,
    });
}

/** Rows of one data column from its M column lineage; `opaqueNotes`: the result's opaque_columns diagnostics. */
function pushMRows(
  rows: Row[],
  traced: ColumnLineage,
  opaqueNotes: readonly LineageDiagnostic[],
  model: ModelColumns,
): void {
  const { lineage, note } = withinModel(traced, model);
  const name = lineage.column;
  const transformation = lineage.transformation;
  const opaque = lineage.opaque === true;
  const notes = opaque ? diagnosticsFor(name, note === undefined ? opaqueNotes : [note]) : null;
  for (const origin of lineage.upstreams) {
    const inModel = origin.table.kind === 'model_table';
    rows.push({
      name,
      downstreamKind: 'column',
      transformation,
      upstreamKind: inModel ? 'model_column' : 'warehouse_column',
      upstream: inModel ? modelUpstream(origin.table.table, origin.column) : warehouseUpstream(origin),
      opaque,
      diagnostics: notes,
    });
  }
  if (lineage.upstreams.length === 0 && opaque)
    rows.push({
      name,
      downstreamKind: 'column',
      transformation,
      upstreamKind: 'none',
      upstream: null,
      opaque,
      diagnostics: notes,
    });
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
function pushDaxRows(
  rows: Row[],
  daxReferencesOf: typeof daxReferences,
  name: string,
  downstreamKind: 'measure' | 'calculated_column',
  expression: string,
  host: string,
  model: DaxModel,
): void {
  const { references, diagnostics } = daxReferencesOf(expression, { table: host }, model);
  const notes =
    diagnostics.length > 0 ? diagnostics.map((d) => ({ kind: d.kind, message: d.message })) : null;
  for (const reference of references) {
    let upstreamKind: Row['upstreamKind'];
    let upstream: Upstream;
    if (reference.kind === 'column') {
      upstreamKind = 'model_column';
      upstream = modelUpstream(reference.table, reference.column);
    } else if (reference.kind === 'measure') {
      upstreamKind = 'measure';
      upstream = modelUpstream(reference.table, reference.measure);
    } else continue;
    rows.push({
      name,
      downstreamKind,
      upstreamKind,
      upstream,
      transformation: 'derived',
      opaque: false,
      diagnostics: notes,
    });
  }
}

/** The JSON of an edge id's parts, lower-cased (null for any other value): its start is the table's, shared by its rows. */
function lowerOrNull(part: unknown): string | null {
  return typeof part === 'string' ? part.toLowerCase() : null;
}

/** `["workspace","dataset","table"` lower-cased: the part of the edge identity every row of the table shares. */
function tableIdentity(workspaceId: string, datasetId: string, tableName: string): string {
  const json = JSON.stringify([workspaceId, datasetId, tableName].map(lowerOrNull));
  return json.slice(0, -1);
}

/** SHA-256 of the JSON array of the row's identity parts (the table's first), as every version wrote it. */
function edgeIdOf(table: string, row: Row): string {
  const up = row.upstream;
  const parts =
    up === null || up === undefined
      ? [row.name, row.downstreamKind, row.upstreamKind]
      : [row.name, row.downstreamKind, row.upstreamKind, up.platform, up.server, up.qualifiedName, up.column];
  return hash('sha256', `${table},${JSON.stringify(parts.map(lowerOrNull)).slice(1)}`, 'hex');
}

interface KnownModel {
  dax: DaxModel;
  columns: ModelColumns;
}

/** The rows of one model table: its data columns from M, then its calculated columns and measures from DAX. */
async function tableRows(
  table: ScanTable,
  tableName: string,
  known: KnownModel,
  analysed: TableAnalyses | undefined,
  daxReferencesOf: typeof daxReferences,
): Promise<Row[]> {
  const rows: Row[] = [];
  const results = analysed === undefined ? [] : await analysed.results;
  results.forEach((result, index) => {
    const input = analysed?.inputs[index];
    if (input !== undefined) pushUnansweredRows(rows, input, result);
    const columns = result.columns;
    if (columns === undefined || columns.length === 0) return;
    const opaqueNotes = result.diagnostics.filter((d) => d.kind === 'opaque_columns');
    for (const lineage of columns) pushMRows(rows, lineage, opaqueNotes, known.columns);
  });
  for (const column of list(table.columns)) {
    const name = text(column.name);
    const expression = text(column.expression);
    if (name !== null && expression !== null && text(column.columnType) === 'Calculated')
      pushDaxRows(rows, daxReferencesOf, name, 'calculated_column', expression, tableName, known.dax);
  }
  for (const measure of list(table.measures)) {
    const name = text(measure.name);
    const expression = text(measure.expression);
    if (name !== null && expression !== null)
      pushDaxRows(rows, daxReferencesOf, name, 'measure', expression, tableName, known.dax);
  }
  return rows;
}

/** What every record of one model table carries. */
interface TablePlace {
  identity: string;
  workspaceId: string;
  scannedAt: string;
  datasetId: string;
  datasetName: string | null;
  tableName: string;
}

/** The record of a row, its fields written out rather than spread (a spread copies key by key). */
function recordOf(where: TablePlace, row: Row): ColumnLineageRecord {
  const { workspaceId, scannedAt, datasetId, datasetName, tableName } = where;
  const { name, downstreamKind, transformation, upstreamKind, upstream, opaque, diagnostics } = row;
  return {
    edgeId: edgeIdOf(where.identity, row),
    workspaceId,
    scannedAt,
    datasetId,
    datasetName,
    tableName,
    name,
    downstreamKind,
    transformation,
    upstreamKind,
    upstream,
    opaque,
    diagnostics,
  };
}

/** Every record of the workspace, in table order (a repeated edgeId is dropped by defineStream: the first one stays). */
async function workspaceRecords(ws: ScanWorkspace, ctx: MappingContext): Promise<ColumnLineageRecord[]> {
  // Both M and DAX come with the scan's dataset expressions; without them there is nothing to trace.
  if (!ctx.lineage.enabled) return [];
  // Loaded here, not at import: a read without this stream (and discover) need no DAX reader.
  const dax = await import('../lineage/dax/dax-references.js');
  const analyses = new Map(
    startMAnalyses(ws, ctx, true).map((table) => [
      `${table.source.sourceId}\u0000${table.source.sourceTableName ?? ''}`,
      table,
    ]),
  );
  const models = new Map<ScanDataset, KnownModel>();
  const records: ColumnLineageRecord[] = [];
  for (const keyed of keyedTables(ws)) {
    const { dataset, datasetId, tableName } = keyed;
    let known = models.get(dataset);
    if (known === undefined) {
      known = { dax: daxModelOf(dataset), columns: modelColumnsOf(dataset) };
      models.set(dataset, known);
    }
    const analysed = analyses.get(`${datasetId}\u0000${tableName}`);
    const rows = await tableRows(keyed.table, tableName, known, analysed, dax.daxReferences);
    if (rows.length === 0) continue;
    const where: TablePlace = {
      identity: tableIdentity(ws.id, datasetId, tableName),
      workspaceId: ws.id,
      scannedAt: ctx.scannedAt,
      datasetId,
      datasetName: text(dataset.name),
      tableName,
    };
    for (const row of rows) records.push(recordOf(where, row));
  }
  return records;
}

/**
 * The workspace's records, computed at the first request: handed out one by one without an
 * async generator's promises and turns between them.
 */
function fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): AsyncIterable<ColumnLineageRecord> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<ColumnLineageRecord> {
      let records: ColumnLineageRecord[] | undefined;
      let next = 0;
      const step = (): IteratorResult<ColumnLineageRecord> => {
        const record = records?.[next];
        if (record === undefined) return { done: true, value: undefined };
        next += 1;
        return { done: false, value: record };
      };
      return {
        next: async () => {
          records ??= await workspaceRecords(ws, ctx);
          return step();
        },
      };
    },
  };
}

export const columnLineageStream = defineStream<ColumnLineageRecord>({
  name: 'column_lineage',
  primaryKey: ['edgeId'],
  fromWorkspace,
});
