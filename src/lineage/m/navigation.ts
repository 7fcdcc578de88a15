/**
 * Navigation steps such as `Source{[Name="SALES",Kind="Schema"]}[Data]` or
 * `Source{[Schema="dbo",Item="Orders"]}[Data]`: each fills one or more levels of the source;
 * when the table level is filled the source becomes an upstream reference.
 */
import { partialNameDiagnostic, referenceOf } from '../reference.js';
import type { LineageDiagnostic } from '../types.js';
import { tableColumns } from './columns.js';
import {
  opaque,
  source,
  tableValue,
  textOf,
  unresolvedOf,
  type Level,
  type MValue,
  type SourceState,
  type UnknownPart,
} from './values.js';

type Report = (diagnostic: LineageDiagnostic) => void;

function lowerKeys(keys: ReadonlyMap<string, MValue>): Map<string, MValue> {
  const lowered = new Map<string, MValue>();
  for (const [key, value] of keys) lowered.set(key.toLowerCase(), value);
  return lowered;
}

function unresolvedKey(state: SourceState, key: string, value: MValue, report: Report): MValue {
  const parameter = unresolvedOf(value);
  report(
    parameter === undefined
      ? {
          kind: 'unresolved_navigation',
          functionName: state.via,
          message: `The ${key} navigated to in a ${state.via} source is computed at refresh time and cannot be read statically.`,
        }
      : {
          kind: 'unresolved_parameter',
          functionName: state.via,
          parameter,
          message: `Parameter "${parameter}" used to navigate a ${state.via} source has no known value.`,
        },
  );
  return opaque(value.refs);
}

function nextLevel(
  state: SourceState,
  parts: Partial<Record<Level, string>>,
  unknown: ReadonlySet<UnknownPart>,
): Level | undefined {
  return state.rules.levels.find(
    (level) => level === 'table' || (parts[level] === undefined && !unknown.has(level)),
  );
}

/**
 * A navigation key whose value is unknown: for an outer level (database, schema) navigation goes on
 * and the table found is a partial name; for the table itself nothing can be named.
 */
function unknownLevel(
  state: SourceState,
  level: Level,
  key: string,
  value: MValue,
  report: Report,
): MValue | undefined {
  const unresolved = unresolvedKey(state, key, value, report);
  return level === 'table' ? unresolved : undefined;
}

/** Applies one navigation record to a source. */
export function navigate(state: SourceState, rawKeys: ReadonlyMap<string, MValue>, report: Report): MValue {
  const keys = lowerKeys(rawKeys);
  const parts: Partial<Record<Level, string>> = { ...state.parts };
  const unknown = new Set<UnknownPart>(state.unknown);
  let changed = false;
  const fill = (level: Level, key: string, value: MValue): MValue | undefined => {
    changed = true;
    const name = textOf(value);
    if (name !== undefined) {
      parts[level] = name;
      unknown.delete(level);
      return undefined;
    }
    delete parts[level];
    unknown.add(level);
    return unknownLevel(state, level, key, value, report);
  };
  for (const [key, value] of keys) {
    const level = state.rules.keyLevels[key];
    if (level === undefined) continue;
    const stop = fill(level, key, value);
    if (stop !== undefined) return stop;
  }
  const nameValue = keys.get('name');
  if (nameValue !== undefined && state.rules.keyLevels['name'] === undefined) {
    const kind = textOf(keys.get('kind'))?.toLowerCase();
    const level =
      (kind === undefined ? undefined : state.rules.kindLevels[kind]) ?? nextLevel(state, parts, unknown);
    if (level !== undefined) {
      const stop = fill(level, 'name', nameValue);
      if (stop !== undefined) return stop;
    }
  }
  if (!changed) return source(state);
  const next: SourceState = { ...state, parts, unknown: [...unknown] };
  if (parts.table === undefined) return source(next);
  const reference = referenceOf({
    platform: state.platform,
    kind: state.kind,
    server: state.server,
    parts,
    via: state.via,
    unknown: [...unknown],
  });
  if (reference === undefined) return opaque();
  if (reference.partial === true) report(partialNameDiagnostic(reference, [...unknown]));
  return tableValue([reference], tableColumns([reference]));
}

/** Standard rules for database.schema.table sources navigated by Name/Kind (Snowflake, Databricks, ...). */
export function threeLevelRules(first: readonly Level[] = ['database', 'schema', 'table']) {
  return {
    levels: first,
    keyLevels: { schema: 'schema', item: 'table', catalog: 'database' } as Record<string, Level>,
    kindLevels: KIND_LEVELS,
  };
}

export const KIND_LEVELS: Readonly<Record<string, Level>> = {
  database: 'database',
  catalog: 'database',
  project: 'database',
  schema: 'schema',
  table: 'table',
  view: 'table',
  function: 'table',
  'materialized view': 'table',
  sheet: 'table',
  definedname: 'table',
};
