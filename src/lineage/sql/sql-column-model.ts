/**
 * The data of SQL column lineage: a column's warehouse sources and how it is made from them, and
 * the columns a query (or a table, CTE or subquery in its FROM) puts out.
 */

/** A column of a table the query reads; the table path as written, unquoted (e.g. `['DB', 'PUBLIC', 'SALES']`). */
export interface SqlColumnSource {
  path: string[];
  column: string;
}

export type SqlColumnTransformation = 'identity' | 'renamed' | 'derived' | 'aggregated';

/** What a value is made of: its warehouse columns and the strongest transformation on the way. */
export interface ColumnOrigin {
  readonly sources: readonly SqlColumnSource[];
  readonly transformation: SqlColumnTransformation;
}

export interface ShapeColumn extends ColumnOrigin {
  /** Undefined for an expression without an alias (the name is the engine's choice). */
  readonly name: string | undefined;
}

/** The columns a query or relation puts out. */
export interface Shape {
  readonly columns: readonly ShapeColumn[];
  /** Tables whose columns pass through a `*` unexpanded (their columns are unknown). */
  readonly passThrough: readonly (readonly string[])[];
}

export const EMPTY_ORIGIN: ColumnOrigin = { sources: [], transformation: 'identity' };

const RANK: Readonly<Record<SqlColumnTransformation, number>> = {
  identity: 0,
  renamed: 1,
  derived: 2,
  aggregated: 3,
};

export function strongest(a: SqlColumnTransformation, b: SqlColumnTransformation): SqlColumnTransformation {
  return RANK[a] >= RANK[b] ? a : b;
}

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function sourceKey(source: SqlColumnSource): string {
  return `${source.path.join('\u0000')}\u0001${source.column}`.toLowerCase();
}

export function pathKey(path: readonly string[]): string {
  return path.join('\u0000').toLowerCase();
}

/** Sources in the order first seen, each once (names compare case-insensitively). */
export class SourceList {
  private readonly seen = new Set<string>();
  readonly items: SqlColumnSource[] = [];

  addAll(sources: readonly SqlColumnSource[]): void {
    for (const source of sources) this.add(source);
  }

  add(source: SqlColumnSource): void {
    const key = sourceKey(source);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ path: [...source.path], column: source.column });
  }
}

/**
 * A plain column reference under the name `name`: identity when every source has that name,
 * renamed otherwise; what was derived or aggregated on the way stays so.
 */
export function asColumnNamed(name: string | undefined, origin: ColumnOrigin): SqlColumnTransformation {
  if (origin.transformation === 'derived' || origin.transformation === 'aggregated')
    return origin.transformation;
  if (name === undefined) return origin.transformation;
  return origin.sources.every((source) => sameName(source.column, name)) ? 'identity' : 'renamed';
}

export function uniquePaths(paths: readonly (readonly string[])[]): string[][] {
  const seen = new Set<string>();
  const unique: string[][] = [];
  for (const path of paths) {
    const key = pathKey(path);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push([...path]);
  }
  return unique;
}
