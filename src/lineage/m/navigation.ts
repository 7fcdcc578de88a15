/**
 * Navigation steps such as `Source{[Name="SALES",Kind="Schema"]}[Data]` or
 * `Source{[Schema="dbo",Item="Orders"]}[Data]`: each fills one or more levels of the source;
 * when the table level is filled the source becomes an upstream reference.
 */
import { referenceOf } from '../reference.js';
import type { LineageDiagnostic } from '../types.js';
import { opaque, source, textOf, unresolvedOf, type Level, type MValue, type SourceState } from './values.js';

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

function nextLevel(state: SourceState, parts: Partial<Record<Level, string>>): Level | undefined {
  return state.rules.levels.find((level) => parts[level] === undefined || level === 'table');
}

/** Applies one navigation record to a source. */
export function navigate(state: SourceState, rawKeys: ReadonlyMap<string, MValue>, report: Report): MValue {
  const keys = lowerKeys(rawKeys);
  const parts: Partial<Record<Level, string>> = { ...state.parts };
  let changed = false;
  for (const [key, value] of keys) {
    const level = state.rules.keyLevels[key];
    if (level === undefined) continue;
    const name = textOf(value);
    if (name === undefined) return unresolvedKey(state, key, value, report);
    parts[level] = name;
    changed = true;
  }
  const nameValue = keys.get('name');
  if (nameValue !== undefined && state.rules.keyLevels['name'] === undefined) {
    const name = textOf(nameValue);
    if (name === undefined) return unresolvedKey(state, 'name', nameValue, report);
    const kind = textOf(keys.get('kind'))?.toLowerCase();
    const level = (kind === undefined ? undefined : state.rules.kindLevels[kind]) ?? nextLevel(state, parts);
    if (level !== undefined) {
      parts[level] = name;
      changed = true;
    }
  }
  if (!changed) return source(state);
  const next: SourceState = { ...state, parts };
  if (parts.table === undefined) return source(next);
  const reference = referenceOf({
    platform: state.platform,
    kind: state.kind,
    server: state.server,
    parts,
    via: state.via,
  });
  return opaque(reference === undefined ? [] : [reference]);
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
