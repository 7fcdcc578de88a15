/**
 * What a generated M expression does to columns, recorded step by step by the code that writes
 * it (never by running the connector's analysis): each column the query returns knows the
 * upstream columns it is made from and how. The model table's data columns are then looked up
 * here to give their expected `column_lineage` rows (column-truth.ts).
 */
import {
  mColumnRows,
  modelColumn,
  opaqueColumnRow,
  warehouseColumn,
  type ExpectedColumnRow,
  type ExpectedColumnUpstream,
  type Transformation,
} from './column-truth.js';
import type { ExpectedUpstream } from './lineage-truth.js';

export interface PlannedColumn {
  from: readonly ExpectedColumnUpstream[];
  transformation: Transformation;
  /** The origin is hidden (a step the analysis cannot see through, or a column the query lacks). */
  opaque: boolean;
}

/** Columns nobody named: those of the tables read, none, or unknown. */
type Rest =
  | { kind: 'passthrough'; tables: readonly ExpectedUpstream[]; removed: Set<string> }
  | { kind: 'none' }
  | { kind: 'opaque' };

/** A data column of another table of the model, as a table reading it sees it. */
export interface ModelTableColumns {
  name: string;
  columns: readonly string[];
}

const HIDDEN: PlannedColumn = { from: [], transformation: 'identity', opaque: true };

const RANK: Readonly<Record<Transformation, number>> = { identity: 0, renamed: 1, derived: 2, aggregated: 3 };

function stronger(a: Transformation, b: Transformation): Transformation {
  return RANK[b] >= RANK[a] ? b : a;
}

/** A column made from others: all their origins; hidden if one of them is. */
function combined(parts: readonly PlannedColumn[], transformation: Transformation): PlannedColumn {
  const seen = new Set<string>();
  const from = parts
    .flatMap((part) => part.from)
    .filter((up) => {
      const key = JSON.stringify([up.platform, up.server, up.qualifiedName, up.column.toLowerCase()]);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { from, transformation, opaque: parts.some((part) => part.opaque) };
}

export class ColumnPlan {
  private readonly known = new Map<string, PlannedColumn>();

  /** Set when the rows cannot be compared exactly: the table is left out, and this says why. */
  unverifiable?: string;
  /** False when the generator cannot know the rows at all (not merely compare them). */
  rowsKnown = true;

  private constructor(private rest: Rest) {}

  /** A warehouse (or dataflow) table as it is: every column is its same-named column. */
  static passthrough(tables: readonly ExpectedUpstream[]): ColumnPlan {
    return new ColumnPlan({ kind: 'passthrough', tables, removed: new Set() });
  }

  /** A source or step that hides every column's origin. */
  static opaque(): ColumnPlan {
    return new ColumnPlan({ kind: 'opaque' });
  }

  /** A table of constants (entered data): these columns and no other, reading nothing. */
  static literal(names: readonly string[]): ColumnPlan {
    const plan = new ColumnPlan({ kind: 'none' });
    for (const name of names) plan.known.set(name, { from: [], transformation: 'identity', opaque: false });
    return plan;
  }

  /** No exact answer exists (e.g. which table the M reads is itself undecidable). */
  static undecidable(reason: string): ColumnPlan {
    const plan = new ColumnPlan({ kind: 'opaque' });
    plan.unverifiable = reason;
    plan.rowsKnown = false;
    return plan;
  }

  /** The rows are known, but hold only with a setting a read may not have (`reason` says which). */
  dependingOn(reason: string): this {
    this.unverifiable = reason;
    return this;
  }

  /** Other tables of the model read by name: their data columns, nothing else. */
  static modelTables(tables: readonly ModelTableColumns[]): ColumnPlan {
    const plan = new ColumnPlan({ kind: 'none' });
    for (const table of tables)
      for (const column of table.columns) {
        const up = modelColumn(table.name, column);
        const own: PlannedColumn = { from: [up], transformation: 'identity', opaque: false };
        const before = plan.column(column);
        plan.known.set(column, before === undefined ? own : combined([before, own], 'identity'));
      }
    return plan;
  }

  /** Tables appended by name (Table.Combine): a column comes from every one that has it. */
  static union(plans: readonly ColumnPlan[]): ColumnPlan {
    const names = new Set(plans.flatMap((plan) => [...plan.known.keys()]));
    const passthrough = plans.flatMap((plan) => (plan.rest.kind === 'passthrough' ? [plan.rest] : []));
    const rest: Rest = plans.some((plan) => plan.rest.kind === 'opaque')
      ? { kind: 'opaque' }
      : passthrough.length > 0
        ? {
            kind: 'passthrough',
            tables: passthrough.flatMap((r) => r.tables),
            removed: new Set(
              [...(passthrough[0]?.removed ?? [])].filter((n) => passthrough.every((r) => r.removed.has(n))),
            ),
          }
        : { kind: 'none' };
    const union = new ColumnPlan(rest);
    for (const name of names) {
      const parts = plans.flatMap((plan) => plan.column(name) ?? []);
      union.known.set(name, combined(parts, parts.map((p) => p.transformation).reduce(stronger, 'identity')));
    }
    return union;
  }

  /** The column the query returns under this name (letter case aside), or undefined. */
  column(name: string): PlannedColumn | undefined {
    const exact = this.known.get(name);
    if (exact !== undefined) return exact;
    const lower = name.toLowerCase();
    for (const [known, column] of this.known) if (known.toLowerCase() === lower) return column;
    switch (this.rest.kind) {
      case 'passthrough':
        if (this.rest.removed.has(name)) return undefined;
        return {
          from: this.rest.tables.map((table) => warehouseColumn(table, name)),
          transformation: 'identity',
          opaque: false,
        };
      case 'opaque':
        return HIDDEN;
      case 'none':
        return undefined;
    }
  }

  /** A column a step reads; one the table does not have hides what is made from it. */
  private read(name: string): PlannedColumn {
    return this.column(name) ?? HIDDEN;
  }

  private drop(names: readonly string[]): void {
    for (const name of names) {
      this.known.delete(name);
      if (this.rest.kind === 'passthrough') this.rest.removed.add(name);
    }
  }

  remove(names: readonly string[]): this {
    this.drop(names);
    return this;
  }

  rename(pairs: readonly (readonly [string, string])[]): this {
    const moved = pairs.map(([from, to]) => {
      const column = this.read(from);
      return [to, { ...column, transformation: stronger(column.transformation, 'renamed') }] as const;
    });
    this.drop(pairs.map(([from]) => from));
    for (const [to, column] of moved) this.known.set(to, column);
    return this;
  }

  duplicate(from: string, to: string): this {
    this.known.set(to, this.read(from));
    return this;
  }

  /** A new column computed from the columns named (none: a constant, which reads no column). */
  add(name: string, reads: readonly string[], transformation: Transformation = 'derived'): this {
    this.known.set(
      name,
      combined(
        reads.map((read) => this.read(read)),
        transformation,
      ),
    );
    return this;
  }

  /** A column of another plan (e.g. expanded from a joined table), renamed when the name changes. */
  adopt(name: string, column: PlannedColumn | undefined, renamedFrom?: string): this {
    const taken = column ?? HIDDEN;
    const renamed = renamedFrom !== undefined && renamedFrom !== name;
    this.known.set(
      name,
      renamed ? { ...taken, transformation: stronger(taken.transformation, 'renamed') } : taken,
    );
    return this;
  }

  /** Only the named columns (Table.SelectColumns, the keys of Table.Group). */
  select(names: readonly string[]): this {
    const kept = names.map((name) => [name, this.read(name)] as const);
    this.known.clear();
    for (const [name, column] of kept) this.known.set(name, column);
    this.rest = { kind: 'none' };
    return this;
  }

  /** The expected rows of a model data column of this name. */
  rowsOf(name: string): ExpectedColumnRow[] {
    const column = this.column(name) ?? HIDDEN;
    if (column.opaque && column.from.length === 0) return [opaqueColumnRow(name)];
    return mColumnRows(name, column.transformation, column.from).map((row) => ({
      ...row,
      opaque: column.opaque,
    }));
  }
}
