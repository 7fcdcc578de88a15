/**
 * Ground truth of column lineage: the `column_lineage` rows each generated table must give, recorded
 * by the code that writes its M, native SQL and DAX (never by running the connector's analysis).
 * Test knowledge only: the HTTP server never serves it.
 */
import type { ExpectedUpstream, TableLineageTruth } from './lineage-truth.js';
import type { ScanDataset, ScanTable } from './types.js';

export type DownstreamKind = 'column' | 'calculated_column' | 'measure';
export type UpstreamKind = 'warehouse_column' | 'model_column' | 'measure' | 'none';
export type Transformation = 'identity' | 'renamed' | 'derived' | 'aggregated';

/** A column (or measure) read: its table named as `lineage.upstream` names it, and the column. */
export interface ExpectedColumnUpstream {
  platform: string;
  /** Lower-cased; null for model columns and measures. */
  server: string | null;
  qualifiedName: string;
  column: string;
}

/** One expected row of `column_lineage` (its identity, without ids and times). */
export interface ExpectedColumnRow {
  name: string;
  downstreamKind: DownstreamKind;
  upstreamKind: UpstreamKind;
  upstream: ExpectedColumnUpstream | null;
  transformation: Transformation;
  opaque: boolean;
}

/** A column or measure a DAX expression reads, as its writer wrote it. */
export interface DaxRead {
  kind: 'column' | 'measure';
  table: string;
  name: string;
  /** Written `[name]` without a table: DAX takes it for a measure when the model has one so named. */
  bare?: boolean;
}

/** A calculated column or measure and what its DAX reads. */
export interface DaxTruth {
  name: string;
  downstreamKind: 'calculated_column' | 'measure';
  reads: DaxRead[];
}

/** What one table's columns and measures must give, recorded with the table's M. */
export interface TableColumnTruth {
  rows: ExpectedColumnRow[];
  /** Set when the generator cannot know the exact rows: the table is left out, and this says why. */
  unverifiable?: string;
  /**
   * The table's columns and measures as generated: a later change (a mutation adding a column)
   * makes the rows stale, and the table is then left out of exact comparisons.
   */
  shape: string;
}

/** The column truth of one table of a dataset, as `tenant.columnLineageTruth()` lists it. */
export interface ColumnLineageTruth {
  workspaceId: string;
  datasetId: string;
  table: string;
  form: string;
  rows: ExpectedColumnRow[];
  /** Set when no exact answer was recorded or it no longer holds: the table is left out, and this says why. */
  unverifiable?: string;
}

/** The names and kinds of a table's columns and measures, in order. */
export function tableShape(table: ScanTable): string {
  return JSON.stringify([
    table.columns.map((c) => [c.name, c.columnType, c.expression ?? null]),
    (table.measures ?? []).map((m) => [m.name, m.expression ?? null]),
  ]);
}

export function warehouseColumn(table: ExpectedUpstream, column: string): ExpectedColumnUpstream {
  return {
    platform: table.platform,
    server: table.server === null ? null : table.server.toLowerCase(),
    qualifiedName: table.qualifiedName,
    column,
  };
}

/** A column or measure of another (or the same) table of the model. */
export function modelColumn(table: string, column: string): ExpectedColumnUpstream {
  return { platform: 'powerbi', server: null, qualifiedName: table.toLowerCase(), column };
}

/** Rows of a data column loaded by M from the columns given (none: no row, as nothing is read). */
export function mColumnRows(
  name: string,
  transformation: Transformation,
  upstreams: readonly ExpectedColumnUpstream[],
): ExpectedColumnRow[] {
  return upstreams.map((upstream) => ({
    name,
    downstreamKind: 'column',
    upstreamKind:
      upstream.platform === 'powerbi' && upstream.server === null ? 'model_column' : 'warehouse_column',
    upstream,
    transformation,
    opaque: false,
  }));
}

/** The row of a data column whose origin a step hides (the analysis must say so, not guess). */
export function opaqueColumnRow(name: string): ExpectedColumnRow {
  return {
    name,
    downstreamKind: 'column',
    upstreamKind: 'none',
    upstream: null,
    transformation: 'identity',
    opaque: true,
  };
}

/** Rows of a calculated column or measure from the model columns and measures its DAX reads. */
export function daxRows(
  name: string,
  downstreamKind: 'calculated_column' | 'measure',
  reads: readonly { kind: 'column' | 'measure'; table: string; name: string }[],
): ExpectedColumnRow[] {
  return reads.map((read) => ({
    name,
    downstreamKind,
    upstreamKind: read.kind === 'column' ? 'model_column' : 'measure',
    upstream: modelColumn(read.table, read.name),
    transformation: 'derived',
    opaque: false,
  }));
}

/** The identity of a row for comparisons: names of columns compared ignoring case. */
export function columnRowKey(datasetId: string, table: string, row: ExpectedColumnRow): string {
  const up = row.upstream;
  return JSON.stringify([
    datasetId,
    table,
    row.name,
    row.downstreamKind,
    row.upstreamKind,
    up === null
      ? null
      : [up.platform, (up.server ?? '').toLowerCase(), up.qualifiedName, up.column.toLowerCase()],
    row.transformation,
    row.opaque,
  ]);
}

/** A table's column truth now: its recorded rows, or why there is no exact answer. */
export function columnTruthOf(
  truth: TableLineageTruth,
  datasets: readonly ScanDataset[],
): ColumnLineageTruth {
  const { workspaceId, datasetId, table, form } = truth;
  const base = { workspaceId, datasetId, table, form, rows: truth.columns?.rows ?? [] };
  if (truth.columns === undefined)
    return { ...base, unverifiable: 'the column lineage of this generator form is not recorded' };
  if (truth.columns.unverifiable !== undefined) return { ...base, unverifiable: truth.columns.unverifiable };
  const now = datasets.find((d) => d.id === datasetId)?.tables?.find((t) => t.name === table);
  if (now === undefined || tableShape(now) !== truth.columns.shape)
    return { ...base, unverifiable: 'its columns or measures changed after it was generated' };
  return base;
}
