/** Helpers shared by the database function families: building a source and reading `[Query=...]`. */
import type { CallContext } from '../m/call-context.js';
import { KIND_LEVELS } from '../m/navigation.js';
import { nativeQueryValue } from './native-query.js';
import {
  fieldOf,
  opaque,
  source,
  type Level,
  type MValue,
  type SourceState,
  type UnknownPart,
} from '../m/values.js';

export interface DatabaseSourceSpec {
  platform: string;
  server: string | null;
  parts?: Partial<Record<Level, string>>;
  levels: readonly Level[];
  keyLevels?: Record<string, Level>;
  kindLevels?: Record<string, Level>;
  defaults?: Partial<Record<Level, string>>;
  /** Levels given by an argument whose value is unknown (see SourceState.unknown). */
  unknown?: readonly UnknownPart[];
}

const DEFAULT_KEYS: Record<string, Level> = { schema: 'schema', item: 'table' };

/** The server (the first argument of every database function) is given but its value is unknown. */
function serverUnknown(call: CallContext, spec: DatabaseSourceSpec): boolean {
  const first = call.args[0];
  return spec.server === null && (first?.kind === 'opaque' || first?.kind === 'choice');
}

export function databaseState(call: CallContext, spec: DatabaseSourceSpec): SourceState {
  const state: SourceState = {
    via: call.name,
    platform: spec.platform,
    kind: 'table',
    server: spec.server,
    parts: spec.parts ?? {},
    rules: {
      levels: spec.levels,
      keyLevels: spec.keyLevels ?? DEFAULT_KEYS,
      kindLevels: spec.kindLevels ?? KIND_LEVELS,
    },
  };
  const withDefaults = spec.defaults === undefined ? state : { ...state, defaults: spec.defaults };
  const unknown = [...(spec.unknown ?? []), ...(serverUnknown(call, spec) ? ['server' as const] : [])];
  return unknown.length === 0 ? withDefaults : { ...withDefaults, unknown };
}

/** A navigable source, or the tables of its `[Query="..."]` option when there is one. */
export function databaseSource(call: CallContext, spec: DatabaseSourceSpec, optionsIndex: number): MValue {
  const state = databaseState(call, spec);
  const query = fieldOf(call.args[optionsIndex], 'Query');
  if (query !== undefined && query.kind !== 'null') return nativeQueryValue(call, state, query);
  return source(state);
}

/** Server argument: optional for naming (it is not part of qualified names), so a missing one is null. */
export function serverArg(call: CallContext, index: number): string | null {
  return call.text(index, 'server') ?? null;
}

/** A required name argument; when missing the call yields no lineage (the diagnostic is already reported). */
export function requireArg(call: CallContext, index: number, role: string): string | undefined {
  return call.text(index, role);
}

/**
 * The database argument as the source's parts: known, or unknown (a parameter without a value),
 * in which case tables read through the source are partial names. Undefined when it is missing.
 */
export function databaseArg(
  call: CallContext,
  index: number,
): Pick<DatabaseSourceSpec, 'parts' | 'unknown'> | undefined {
  const database = call.text(index, 'database');
  if (database !== undefined) return { parts: { database } };
  return call.args[index] === undefined ? undefined : { parts: {}, unknown: ['database'] };
}

export const NO_LINEAGE: MValue = opaque();
