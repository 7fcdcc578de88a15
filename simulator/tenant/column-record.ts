/**
 * Turns what each generated table's M and DAX do to columns (recorded as they were written) into
 * the table's column truth, once the dataset's model is complete: a bare `[name]` in DAX means a
 * measure of the whole model, so it is resolved against every table's measures.
 */
import type { ColumnPlan } from './column-plan.js';
import { daxRows, tableShape, type DaxRead, type DaxTruth, type ExpectedColumnRow } from './column-truth.js';
import type { TableTruth } from './lineage-truth.js';
import { dataColumnNames } from './tables.js';
import type { ScanTable } from './types.js';

/** A table's column plan and DAX, waiting for the rest of the model. */
export interface PendingColumns {
  table: string;
  /** Called once the model is complete: a table may read one generated after it. */
  plan: () => ColumnPlan;
  dax: DaxTruth[];
}

/** Lower-cased measure name -> the tables that define a measure of that name. */
type MeasureHomes = ReadonlyMap<string, readonly string[]>;

function measureHomes(tables: readonly ScanTable[]): MeasureHomes {
  const homes = new Map<string, string[]>();
  for (const table of tables)
    for (const measure of table.measures ?? []) {
      const key = measure.name.toLowerCase();
      homes.set(key, [...(homes.get(key) ?? []), table.name]);
    }
  return homes;
}

type Resolved = { read: DaxRead } | { undecidable: string };

/** What DAX makes of a read as written: a bare name or a measure name is looked up in the model. */
function resolve(read: DaxRead, homes: MeasureHomes): Resolved {
  const named = homes.get(read.name.toLowerCase()) ?? [];
  const byName = read.kind === 'measure' || read.bare === true;
  if (!byName || named.length === 0) return { read };
  if (named.length > 1)
    return {
      undecidable: `its DAX reads [${read.name}], a measure ${named.length} tables of the model define (Power BI refuses that): which one is read is undecidable`,
    };
  return { read: { kind: 'measure', table: named[0] ?? read.table, name: read.name } };
}

function daxTruthRows(
  items: readonly DaxTruth[],
  homes: MeasureHomes,
): { rows: ExpectedColumnRow[] } | { undecidable: string } {
  const rows: ExpectedColumnRow[] = [];
  for (const item of items) {
    const reads: DaxRead[] = [];
    for (const read of item.reads) {
      const resolved = resolve(read, homes);
      if ('undecidable' in resolved) return resolved;
      reads.push(resolved.read);
    }
    rows.push(...daxRows(item.name, item.downstreamKind, reads));
  }
  return { rows };
}

function columnTruthOfTable(
  table: ScanTable,
  pending: PendingColumns,
  homes: MeasureHomes,
): TableTruth['columns'] {
  const shape = tableShape(table);
  const plan = pending.plan();
  if (!plan.rowsKnown) return { rows: [], shape, unverifiable: plan.unverifiable };
  const dax = daxTruthRows(pending.dax, homes);
  if ('undecidable' in dax) return { rows: [], shape, unverifiable: dax.undecidable };
  const data = dataColumnNames(table).flatMap((name) => plan.rowsOf(name));
  const rows = [...data, ...dax.rows];
  return plan.unverifiable === undefined ? { rows, shape } : { rows, shape, unverifiable: plan.unverifiable };
}

/** Sets `columns` on each table's truth that has a pending plan and no column truth yet. */
export function recordColumnTruth(
  tables: readonly ScanTable[],
  truth: readonly TableTruth[],
  pending: readonly PendingColumns[],
): void {
  const homes = measureHomes(tables);
  for (const entry of pending) {
    const table = tables.find((t) => t.name === entry.table);
    const target = truth.find((t) => t.table === entry.table);
    if (table === undefined || target === undefined || target.columns !== undefined) continue;
    target.columns = columnTruthOfTable(table, entry, homes);
  }
}
