/**
 * The tables, CTEs and subqueries in scope of one SELECT, and how a column name finds its origin
 * among them: through an alias or table name, else the one relation that has (or may have) it.
 * Ambiguity is reported as a problem, never resolved by a guess.
 */
import {
  EMPTY_ORIGIN,
  sameName,
  type ColumnOrigin,
  type Shape,
  type ShapeColumn,
} from './sql-column-model.js';
import type { ColumnRef } from './sql-ast.js';

export type Relation =
  /** A table of the warehouse; `known`: its columns when the caller knows them. */
  | { kind: 'table'; alias: string | undefined; path: string[]; known: string[] | undefined }
  /** A CTE, subquery or temp table whose columns were worked out. */
  | { kind: 'derived'; alias: string | undefined; name: string; shape: Shape }
  /** A table function, VALUES or recursive reference: any column of it comes from `origin`. */
  | { kind: 'computed'; alias: string | undefined; name: string; origin: ColumnOrigin };

export interface Scope {
  readonly relations: Relation[];
  /** The enclosing query's scope, for correlated references. */
  readonly parent: Scope | undefined;
  /** Lower-cased names of `JOIN … USING (…)` columns: the joined tables' columns are one. */
  readonly using: Set<string>;
  /** Lower-cased select-list aliases visible to the expression being read. */
  readonly aliases: Map<string, ColumnOrigin>;
}

export function newScope(parent: Scope | undefined): Scope {
  return { relations: [], parent, using: new Set(), aliases: new Map() };
}

export type Resolution = { origin: ColumnOrigin } | { problem: string };

type Fit = 'known' | 'possible' | 'absent';

interface Lookup {
  readonly fit: Fit;
  readonly origin: ColumnOrigin;
  /** Several unexpanded tables may have it. */
  readonly ambiguous?: readonly (readonly string[])[];
}

const ABSENT: Lookup = { fit: 'absent', origin: EMPTY_ORIGIN };

export function describeRelation(relation: Relation): string {
  return relation.kind === 'table' ? relation.path.join('.') : relation.name;
}

function lookupIn(relation: Relation, name: string): Lookup {
  switch (relation.kind) {
    case 'table': {
      const origin: ColumnOrigin = {
        sources: [{ path: relation.path, column: name }],
        transformation: 'identity',
      };
      if (relation.known === undefined) return { fit: 'possible', origin };
      return relation.known.some((known) => sameName(known, name)) ? { fit: 'known', origin } : ABSENT;
    }
    case 'derived':
      return lookupInShape(relation.shape, name);
    case 'computed':
      return { fit: 'possible', origin: relation.origin };
  }
}

function lookupInShape(shape: Shape, name: string): Lookup {
  const column = shape.columns.find(
    (candidate) => candidate.name !== undefined && sameName(candidate.name, name),
  );
  if (column !== undefined) return { fit: 'known', origin: column };
  const [only, ...others] = shape.passThrough;
  if (only === undefined) return ABSENT;
  const origin: ColumnOrigin = { sources: [{ path: [...only], column: name }], transformation: 'identity' };
  return others.length === 0
    ? { fit: 'possible', origin }
    : { fit: 'possible', origin, ambiguous: shape.passThrough };
}

function namesOf(relation: Relation): readonly string[] {
  if (relation.alias !== undefined) return [relation.alias];
  return relation.kind === 'table' ? relation.path : [relation.name];
}

/** `t`, `dbo.t` or `db.dbo.t` names the relation when it ends its alias, or its path when it has none. */
function answersTo(relation: Relation, qualifier: readonly string[]): boolean {
  const names = namesOf(relation);
  if (qualifier.length === 0 || qualifier.length > names.length) return false;
  const offset = names.length - qualifier.length;
  return qualifier.every((part, index) => sameName(part, names[offset + index] ?? ''));
}

function findRelation(scope: Scope, qualifier: readonly string[]): Relation | undefined {
  for (let current: Scope | undefined = scope; current !== undefined; current = current.parent) {
    const found = current.relations.find((relation) => answersTo(relation, qualifier));
    if (found !== undefined) return found;
  }
  return undefined;
}

function ambiguity(name: string, tables: readonly string[]): Resolution {
  return {
    problem: `Column ${name} may come from any of ${tables.join(', ')}; its origin is not guessed (qualify it with a table alias, or give the tables' columns).`,
  };
}

function mergedOrigin(lookups: readonly Lookup[]): ColumnOrigin {
  return {
    sources: lookups.flatMap((lookup) => lookup.origin.sources),
    transformation: lookups.some((lookup) => lookup.origin.transformation !== 'identity')
      ? 'derived'
      : 'identity',
  };
}

function fromLookup(name: string, lookup: Lookup): Resolution {
  if (lookup.ambiguous === undefined) return { origin: lookup.origin };
  return ambiguity(
    name,
    lookup.ambiguous.map((path) => path.join('.')),
  );
}

/** One scope's answer for an unqualified name, or undefined when none of its relations has it. */
function resolveInScope(scope: Scope, name: string): Resolution | undefined {
  const lookups = scope.relations.map((relation) => ({ relation, lookup: lookupIn(relation, name) }));
  const present = lookups.filter(({ lookup }) => lookup.fit !== 'absent');
  if (scope.using.has(name.toLowerCase()) && present.length > 0)
    return { origin: mergedOrigin(present.map(({ lookup }) => lookup)) };
  const known = present.filter(({ lookup }) => lookup.fit === 'known');
  const [onlyKnown, ...otherKnown] = known;
  if (onlyKnown !== undefined && otherKnown.length === 0) return fromLookup(name, onlyKnown.lookup);
  if (known.length > 1)
    return ambiguity(
      name,
      known.map(({ relation }) => describeRelation(relation)),
    );
  const alias = scope.aliases.get(name.toLowerCase());
  if (alias !== undefined) return { origin: alias };
  const [onlyPossible, ...otherPossible] = present;
  if (onlyPossible === undefined) return undefined;
  if (otherPossible.length === 0) return fromLookup(name, onlyPossible.lookup);
  return ambiguity(
    name,
    present.map(({ relation }) => describeRelation(relation)),
  );
}

function resolveUnqualified(scope: Scope, name: string): Resolution {
  for (let current: Scope | undefined = scope; current !== undefined; current = current.parent) {
    const resolution = resolveInScope(current, name);
    if (resolution !== undefined) return resolution;
  }
  const tables = scope.relations.map(describeRelation);
  return {
    problem:
      tables.length === 0
        ? `Column ${name} is read without a table in scope.`
        : `Column ${name} is not a column of ${tables.join(', ')}.`,
  };
}

function resolveQualified(scope: Scope, ref: ColumnRef): Resolution {
  const relation = findRelation(scope, ref.qualifier);
  if (relation !== undefined) {
    const lookup = lookupIn(relation, ref.column);
    if (lookup.fit === 'absent')
      return { problem: `${describeRelation(relation)} has no column ${ref.column}.` };
    return fromLookup(ref.column, lookup);
  }
  const [structColumn] = ref.qualifier;
  if (ref.qualifier.length === 1 && structColumn !== undefined) {
    // `s.f` where `s` is a column (a struct or record): the field is derived from the column.
    const asColumn = resolveUnqualified(scope, structColumn);
    if ('origin' in asColumn) return { origin: { ...asColumn.origin, transformation: 'derived' } };
  }
  return { problem: `No table or alias ${ref.qualifier.join('.')} is in scope for column ${ref.column}.` };
}

export function resolveColumn(scope: Scope, ref: ColumnRef): Resolution {
  const resolution =
    ref.qualifier.length === 0 ? resolveUnqualified(scope, ref.column) : resolveQualified(scope, ref);
  if (ref.fields.length === 0 || !('origin' in resolution)) return resolution;
  return { origin: { ...resolution.origin, transformation: 'derived' } };
}

export interface Expansion {
  readonly columns: ShapeColumn[];
  readonly passThrough: string[][];
  readonly problems: string[];
}

function expandRelation(relation: Relation, into: Expansion): void {
  switch (relation.kind) {
    case 'table':
      if (relation.known === undefined) {
        into.passThrough.push(relation.path);
        return;
      }
      for (const column of relation.known)
        into.columns.push({
          name: column,
          sources: [{ path: relation.path, column }],
          transformation: 'identity',
        });
      return;
    case 'derived':
      into.columns.push(...relation.shape.columns);
      into.passThrough.push(...relation.shape.passThrough.map((path) => [...path]));
      return;
    case 'computed':
      into.problems.push(`The columns of ${relation.name} are unknown; its * is not expanded.`);
  }
}

/** `*` (every relation of the SELECT's own FROM) or `t.*`. */
export function expandStar(scope: Scope, qualifier: readonly string[]): Expansion {
  const expansion: Expansion = { columns: [], passThrough: [], problems: [] };
  if (qualifier.length === 0) {
    for (const relation of scope.relations) expandRelation(relation, expansion);
    return expansion;
  }
  const relation = findRelation(scope, qualifier);
  if (relation === undefined)
    expansion.problems.push(`No table or alias ${qualifier.join('.')} is in scope for its *.`);
  else expandRelation(relation, expansion);
  return expansion;
}
