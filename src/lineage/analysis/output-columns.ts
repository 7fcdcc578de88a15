/**
 * The column lineage of a table's output: each requested model column traced through the columns
 * the walk followed, or flagged opaque with the reason (one `opaque_columns` diagnostic per reason).
 */
import { columnOf, type ColumnInfo, type ColumnSet } from '../m/columns.js';
import type {
  ColumnLineage,
  ColumnOrigin,
  ColumnTransformation,
  LineageDiagnostic,
  UpstreamReference,
} from '../types.js';

const NAMES_IN_MESSAGE = 10;

/** Power BI keeps the query's column names; SQL names and hand edits may differ in letter case only. */
function find(set: ColumnSet, name: string): ColumnInfo | undefined {
  const known = set.known.get(name);
  if (known !== undefined) return known;
  const wanted = name.toLowerCase();
  for (const [column, info] of set.known) if (column.toLowerCase() === wanted) return info;
  return columnOf(set, name);
}

function lineageOf(name: string, info: ColumnInfo): ColumnLineage {
  const lineage: ColumnLineage = {
    column: name,
    upstreams: info.origins.map((origin) => ({ table: origin.table, column: origin.column })),
    transformation: info.transformation,
  };
  if (info.opaque !== undefined) lineage.opaque = true;
  return lineage;
}

function opaqueDiagnostics(byReason: ReadonlyMap<string, string[]>): LineageDiagnostic[] {
  return [...byReason].map(([reason, names]) => {
    const listed = names
      .slice(0, NAMES_IN_MESSAGE)
      .map((name) => `"${name}"`)
      .join(', ');
    const more = names.length > NAMES_IN_MESSAGE ? ` and ${names.length - NAMES_IN_MESSAGE} more` : '';
    return {
      kind: 'opaque_columns',
      message: `Column lineage stops for ${listed}${more}: ${reason}.`,
    };
  });
}

export function outputColumnLineage(
  set: ColumnSet | undefined,
  columns: readonly string[],
): { columns: ColumnLineage[]; diagnostics: LineageDiagnostic[] } {
  const byReason = new Map<string, string[]>();
  const traced = columns.map((name) => {
    const info: ColumnInfo =
      set === undefined
        ? {
            origins: [],
            transformation: 'identity',
            opaque: 'the columns of the table this query reads are not known',
          }
        : (find(set, name) ?? {
            origins: [],
            transformation: 'identity',
            opaque: 'the query is not known to return such a column',
          });
    if (info.opaque !== undefined) byReason.set(info.opaque, [...(byReason.get(info.opaque) ?? []), name]);
    return lineageOf(name, info);
  });
  return { columns: traced, diagnostics: opaqueDiagnostics(byReason) };
}

interface KeptColumn {
  origins: readonly ColumnOrigin[];
  transformation: ColumnTransformation;
  opaque?: string;
}

type KeptRest =
  | { kind: 'passthrough'; tables: readonly UpstreamReference[]; removed: string[] }
  | { kind: 'none' }
  | { kind: 'opaque'; reason: string };

/**
 * A table expression's output columns as JSON keeps them: what outputColumnLineage reads of a
 * ColumnSet (null: the walk did not follow them). The cache keeps this, not the lineage of the
 * model's columns, so tables with the same M but other columns share one walk.
 */
export interface OutputColumns {
  known: [string, KeptColumn][];
  rest: KeptRest;
}

export function keepOutputColumns(set: ColumnSet | undefined): OutputColumns | null {
  if (set === undefined) return null;
  const known: [string, KeptColumn][] = [];
  for (const [name, info] of set.known) {
    const kept: KeptColumn = { origins: info.origins, transformation: info.transformation };
    if (info.opaque !== undefined) kept.opaque = info.opaque;
    known.push([name, kept]);
  }
  const rest = set.rest;
  return {
    known,
    rest:
      rest.kind === 'passthrough'
        ? { kind: rest.kind, tables: rest.tables, removed: [...rest.removed] }
        : rest,
  };
}

function columnSetOf(kept: OutputColumns): ColumnSet {
  const rest = kept.rest;
  return {
    known: new Map(kept.known),
    rest: rest.kind === 'passthrough' ? { ...rest, removed: new Set(rest.removed) } : rest,
  };
}

/** outputColumnLineage of kept output columns. */
export function keptColumnLineage(
  kept: OutputColumns | null,
  columns: readonly string[],
): { columns: ColumnLineage[]; diagnostics: LineageDiagnostic[] } {
  return outputColumnLineage(kept === null ? undefined : columnSetOf(kept), columns);
}
