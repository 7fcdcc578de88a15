/**
 * Columns of a table value, as the walker follows them through Power Query steps: each column
 * knows the warehouse (or model) columns it comes from and how. Columns nobody named yet are
 * described by `rest`: the same-named columns of the tables read (`passthrough`), none (after a
 * `Table.SelectColumns`), or unknown from a step this analysis does not follow (`opaque`, with the
 * step), so an output column is either traced or says why not; never guessed.
 */
import type { ColumnOrigin, ColumnTransformation, UpstreamReference } from '../types.js';

export interface ColumnInfo {
  readonly origins: readonly ColumnOrigin[];
  readonly transformation: ColumnTransformation;
  /** Why the origin is unknown (the step that hid it). */
  readonly opaque?: string;
  /** A column of nested tables (Table.NestedJoin): their columns, for a later expand. */
  readonly nested?: ColumnSet;
}

export type RestOfColumns =
  | {
      readonly kind: 'passthrough';
      readonly tables: readonly UpstreamReference[];
      readonly removed: ReadonlySet<string>;
    }
  | { readonly kind: 'none' }
  | { readonly kind: 'opaque'; readonly reason: string };

export interface ColumnSet {
  readonly known: ReadonlyMap<string, ColumnInfo>;
  readonly rest: RestOfColumns;
}

const NOTHING_REMOVED: ReadonlySet<string> = new Set();

/** The columns of a warehouse table as they are: every column is the same-named one upstream. */
export function tableColumns(tables: readonly UpstreamReference[]): ColumnSet {
  return { known: new Map(), rest: { kind: 'passthrough', tables, removed: NOTHING_REMOVED } };
}

export function opaqueColumns(reason: string): ColumnSet {
  return { known: new Map(), rest: { kind: 'opaque', reason } };
}

/** A column by name: known, from the rest, or undefined when the table has no such column. */
export function columnOf(set: ColumnSet, name: string): ColumnInfo | undefined {
  const known = set.known.get(name);
  if (known !== undefined) return known;
  const rest = set.rest;
  switch (rest.kind) {
    case 'passthrough':
      if (rest.removed.has(name)) return undefined;
      return { origins: rest.tables.map((table) => ({ table, column: name })), transformation: 'identity' };
    case 'opaque':
      return { origins: [], transformation: 'identity', opaque: rest.reason };
    case 'none':
      return undefined;
  }
}

/** Like columnOf, but a missing column is opaque (the step reads a column we cannot see). */
function columnOrOpaque(set: ColumnSet, name: string, step: string): ColumnInfo {
  return (
    columnOf(set, name) ?? {
      origins: [],
      transformation: 'identity',
      opaque: `${step} reads "${name}", which the table is not known to have`,
    }
  );
}

export function withoutColumns(set: ColumnSet, names: readonly string[]): ColumnSet {
  const known = new Map(set.known);
  names.forEach((name) => known.delete(name));
  const rest = set.rest;
  return {
    known,
    rest: rest.kind === 'passthrough' ? { ...rest, removed: new Set([...rest.removed, ...names]) } : rest,
  };
}

export function withColumn(set: ColumnSet, name: string, info: ColumnInfo): ColumnSet {
  const known = new Map(set.known);
  known.set(name, info);
  return { known, rest: set.rest };
}

/** Only the named columns, in that order (Table.SelectColumns). */
export function onlyColumns(set: ColumnSet, names: readonly string[], step: string): ColumnSet {
  return {
    known: new Map(names.map((name) => [name, columnOrOpaque(set, name, step)])),
    rest: { kind: 'none' },
  };
}

const RANK: Readonly<Record<ColumnTransformation, number>> = {
  identity: 0,
  renamed: 1,
  derived: 2,
  aggregated: 3,
};

/** The transformation of a column after another one applies (the stronger wins). */
export function compose(before: ColumnTransformation, after: ColumnTransformation): ColumnTransformation {
  return RANK[after] >= RANK[before] ? after : before;
}

function originKey(origin: ColumnOrigin): string {
  return `${origin.table.platform}\u0000${origin.table.qualifiedName}\u0000${origin.table.server ?? ''}\u0000${origin.column}`;
}

/** A column computed from others: their origins, derived (or aggregated); opaque if one of them is. */
export function derivedFrom(
  sources: readonly ColumnInfo[],
  transformation: ColumnTransformation = 'derived',
): ColumnInfo {
  const origins = new Map<string, ColumnOrigin>();
  let opaque: string | undefined;
  for (const source of sources) {
    source.origins.forEach((origin) => origins.set(originKey(origin), origin));
    opaque ??= source.opaque;
  }
  const info: ColumnInfo = { origins: [...origins.values()], transformation };
  return opaque === undefined ? info : { ...info, opaque };
}

export function renamed(info: ColumnInfo): ColumnInfo {
  return { ...info, transformation: compose(info.transformation, 'renamed') };
}

/** Union by name (Table.Combine, or the branches of a condition). */
export function unionOfColumns(sets: readonly ColumnSet[]): ColumnSet {
  if (sets.length === 1) return sets[0] as ColumnSet;
  const opaque = sets.find((set) => set.rest.kind === 'opaque');
  const names = new Set(sets.flatMap((set) => [...set.known.keys()]));
  const known = new Map<string, ColumnInfo>();
  for (const name of names) {
    const parts = sets.flatMap((set) => {
      const column = columnOf(set, name);
      return column === undefined ? [] : [column];
    });
    const strongest = parts.reduce<ColumnTransformation>(
      (t, part) => compose(t, part.transformation),
      'identity',
    );
    known.set(name, derivedFrom(parts, strongest));
  }
  if (opaque !== undefined) return { known, rest: opaque.rest };
  const passthrough = sets.flatMap((set) => (set.rest.kind === 'passthrough' ? [set.rest] : []));
  if (passthrough.length === 0) return { known, rest: { kind: 'none' } };
  return {
    known,
    rest: {
      kind: 'passthrough',
      tables: passthrough.flatMap((rest) => rest.tables),
      // A name removed in one input still exists in another: only names removed everywhere are gone.
      removed: new Set(
        [...(passthrough[0]?.removed ?? [])].filter((name) =>
          passthrough.every((rest) => rest.removed.has(name)),
        ),
      ),
    },
  };
}
