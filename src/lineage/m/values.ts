/**
 * The abstract values the walker computes for M expressions. Only what lineage needs is modelled:
 * text (for server/database names and SQL), records and lists (options, navigation keys, Table.Combine),
 * data sources being navigated, functions, and "opaque" for everything else. Every value carries the
 * upstream references it was derived from.
 */
import type { ColumnSet } from './columns.js';
import type { Level } from '../qualified-name.js';
import type { UpstreamKind, UpstreamReference } from '../types.js';

/** Re-exported for the M code and the function families, which name levels with the values they navigate. */
export type { Level } from '../qualified-name.js';

/** A part of a name whose value is unknown: a level, or the server. */
export type UnknownPart = Level | 'server';

export type Refs = readonly UpstreamReference[];

/** How one data-access function family is navigated (`Source{[Name="X",Kind="Schema"]}[Data]`). */
export interface NavigationRules {
  /** Levels still to be filled by navigation, outermost first. */
  readonly levels: readonly Level[];
  /** Navigation record key (lower-case) -> level it sets. `name` is special: it fills by Kind or the next level. */
  readonly keyLevels: Readonly<Record<string, Level>>;
  /** `Kind="..."` value (lower-case) -> level. */
  readonly kindLevels: Readonly<Record<string, Level>>;
}

export interface SourceState {
  /** M function that produced the source, e.g. `Snowflake.Databases`. */
  readonly via: string;
  readonly platform: string;
  readonly kind: UpstreamKind;
  readonly server: string | null;
  readonly parts: Readonly<Partial<Record<Level, string>>>;
  readonly rules: NavigationRules;
  /** Defaults for unqualified names in native SQL (e.g. the Catalog option, an ODBC DSN's database). */
  readonly defaults?: Readonly<Partial<Record<Level, string>>>;
  /** Reference used when the source is consumed without navigation (a folder listing). */
  readonly fallback?: UpstreamReference;
  /**
   * Levels whose value exists but is unknown (an argument or navigation key from a parameter
   * without a value): references through this source name what is known and are partial.
   */
  readonly unknown?: readonly UnknownPart[];
  /** Family-specific navigation (files); the generic Name/Kind/Schema/Item rules otherwise. */
  readonly navigate?: (state: SourceState, keys: ReadonlyMap<string, MValue>) => MValue;
}

/** A user-written function (`(x) => ...` or `each ...`); body and scope belong to the walker. */
export interface Closure {
  readonly params: readonly string[];
  readonly body: unknown;
  readonly scope: unknown;
}

export type MValue =
  | { readonly kind: 'text'; readonly text: string; readonly refs: Refs }
  | { readonly kind: 'null'; readonly refs: Refs }
  | { readonly kind: 'logical'; readonly value: boolean; readonly refs: Refs }
  | { readonly kind: 'record'; readonly fields: ReadonlyMap<string, MValue>; readonly refs: Refs }
  | { readonly kind: 'list'; readonly items: readonly MValue[]; readonly refs: Refs }
  | { readonly kind: 'source'; readonly state: SourceState; readonly refs: Refs }
  | { readonly kind: 'function'; readonly closure: Closure; readonly refs: Refs }
  | { readonly kind: 'builtin'; readonly name: string; readonly refs: Refs }
  | {
      readonly kind: 'choice';
      readonly options: readonly MValue[];
      readonly refs: Refs;
      /**
       * Set when the options are the branches of a condition that could not be decided: references
       * found in only some of them are alternatives. Names the unknown the condition depends on.
       */
      readonly undecided?: { readonly dependsOn?: string };
    }
  | {
      readonly kind: 'opaque';
      readonly refs: Refs;
      readonly unresolved?: string;
      /** For a table: its columns, when column lineage is followed (see columns.ts). */
      readonly columns?: ColumnSet;
    };

export const EMPTY: Refs = [];

export function opaque(refs: Refs = EMPTY, unresolved?: string): MValue {
  return unresolved === undefined ? { kind: 'opaque', refs } : { kind: 'opaque', refs, unresolved };
}

/** A table read from upstream tables: opaque, with the columns they have. */
export function tableValue(refs: Refs, columns: ColumnSet | undefined): MValue {
  return columns === undefined ? { kind: 'opaque', refs } : { kind: 'opaque', refs, columns };
}

export function text(value: string, refs: Refs = EMPTY): MValue {
  return { kind: 'text', text: value, refs };
}

export function logical(value: boolean, refs: Refs = EMPTY): MValue {
  return { kind: 'logical', value, refs };
}

export function source(state: SourceState, refs: Refs = EMPTY): MValue {
  return { kind: 'source', state, refs };
}

/** Beyond this many, merged references are deduplicated (by identity): doubling chains stay small. */
const DEDUPE_OVER = 256;

export function mergeRefs(...lists: Refs[]): Refs {
  return mergeAllRefs(lists);
}

/** mergeRefs for any number of lists (a spread of a huge argument list would overflow the stack). */
export function mergeAllRefs(lists: readonly Refs[]): Refs {
  const nonEmpty = lists.filter((list) => list.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0] ?? EMPTY;
  const merged = nonEmpty.flat();
  return merged.length > DEDUPE_OVER ? [...new Set(merged)] : merged;
}

/** The text of a value, when it is statically known. */
export function textOf(value: MValue | undefined): string | undefined {
  return value?.kind === 'text' ? value.text : undefined;
}

/** The name of the first unresolved parameter a value depends on, if any. */
export function unresolvedOf(value: MValue | undefined): string | undefined {
  // Depth first through nested choices, without recursion.
  const pending: MValue[] = value === undefined ? [] : [value];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.kind === 'opaque' && next.unresolved !== undefined) return next.unresolved;
    if (next.kind === 'choice')
      for (let i = next.options.length - 1; i >= 0; i -= 1) pending.push(next.options[i] as MValue);
  }
  return undefined;
}

/** Field of a record value, looked up case-insensitively (option records are written by hand). */
export function fieldOf(value: MValue | undefined, name: string): MValue | undefined {
  if (value?.kind !== 'record') return undefined;
  const wanted = name.toLowerCase();
  for (const [key, field] of value.fields) {
    if (key.toLowerCase() === wanted) return field;
  }
  return undefined;
}
