/**
 * Native SQL run against a navigated source: Value.NativeQuery(source, sql), `[Query=sql]` options,
 * Odbc.Query. Tables are qualified with the database/schema the M navigation (or the platform's
 * default schema) supplies.
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { namingOf } from '../qualified-name.js';
import { partialNameDiagnostic, referenceOf } from '../reference.js';
import type { UpstreamReference } from '../types.js';
import { opaqueColumns, tableColumns, type ColumnInfo, type ColumnSet } from '../m/columns.js';
import { opaque, tableValue, type Level, type MValue, type SourceState } from '../m/values.js';

function contextPart(state: SourceState, level: Level): string | undefined {
  return state.parts[level] ?? state.defaults?.[level];
}

/** Dot path from the SQL -> name parts, filling the missing outer parts from the source. */
export function qualifyPath(path: readonly string[], state: SourceState): Partial<Record<Level, string>> {
  const at = (fromEnd: number): string | undefined => path[path.length - fromEnd];
  const table = at(1) ?? '';
  const naming = namingOf(state.platform);
  if (state.platform === 'athena') {
    const catalog = at(3) ?? contextPart(state, 'catalog');
    const database = at(2) ?? contextPart(state, 'database');
    return {
      table,
      ...(database === undefined ? {} : { database }),
      ...(catalog === undefined ? {} : { catalog }),
    };
  }
  if (naming.levels.length === 2) {
    const database = at(2) ?? contextPart(state, 'database');
    return database === undefined ? { table } : { database, table };
  }
  const schemaUnknown = state.unknown?.includes('schema') === true;
  const schema = at(2) ?? contextPart(state, 'schema') ?? (schemaUnknown ? undefined : naming.defaultSchema);
  const database = at(3) ?? contextPart(state, 'database');
  const parts: Partial<Record<Level, string>> = { table };
  if (schema !== undefined) parts.schema = schema;
  if (database !== undefined) parts.database = database;
  return parts;
}

/** A table a native query reads, named with what the source navigated to. */
function queriedTable(
  call: CallContext,
  state: SourceState,
  path: readonly string[],
): UpstreamReference | undefined {
  return referenceOf({
    platform: state.platform,
    kind: 'table',
    server: state.server,
    parts: qualifyPath(path, state),
    via: call.name,
    nativeQuery: true,
    ...(state.unknown === undefined ? {} : { unknown: state.unknown }),
  });
}

export function nativeQueryValue(
  call: CallContext,
  state: SourceState,
  sqlValue: MValue | undefined,
): MValue {
  if (call.options.parseNativeQueries === false) {
    call.report({
      kind: 'native_query_skipped',
      functionName: call.name,
      message:
        'Native query parsing is turned off in the lineage settings; the tables it reads are not listed.',
    });
    return opaque();
  }
  const sql = call.textOfValue(sqlValue, 'native query');
  if (sql === undefined) {
    if (sqlValue !== undefined && sqlValue.kind !== 'opaque') {
      call.report({
        kind: 'unresolved_parameter',
        functionName: call.name,
        message: `The SQL text passed to ${call.name} is built at refresh time and cannot be read statically.`,
      });
    }
    return opaque();
  }
  const { paths, diagnostics } = call.sqlTablePaths(sql, state.platform);
  diagnostics.forEach((diagnostic) => call.report({ ...diagnostic, functionName: call.name }));
  const references: UpstreamReference[] = [];
  for (const path of paths) {
    const reference = queriedTable(call, state, path);
    if (reference === undefined) continue;
    if (reference.partial === true) call.report(partialNameDiagnostic(reference, state.unknown ?? []));
    references.push(reference);
  }
  return call.trackColumns ? tableValue(references, queryColumns(call, state, sql)) : opaque(references);
}

/** The query's output columns, each from the warehouse columns its select list reads. */
function queryColumns(call: CallContext, state: SourceState, sql: string): ColumnSet {
  const result = call.sqlColumns(sql, state.platform);
  result.diagnostics
    .filter((d) => d.kind === 'opaque_columns')
    .forEach((d) => call.report({ ...d, functionName: call.name }));
  const tableOf = (path: readonly string[]) => queriedTable(call, state, path);
  const known = new Map<string, ColumnInfo>();
  for (const column of result.columns) {
    const origins = column.sources.flatMap((source) => {
      const table = tableOf(source.path);
      return table === undefined ? [] : [{ table, column: source.column }];
    });
    known.set(column.name, { origins, transformation: column.transformation });
  }
  const passThrough = result.passThrough.flatMap((path) => tableOf(path) ?? []);
  if (known.size === 0 && passThrough.length === 0)
    return opaqueColumns(`the select list of the native query in ${call.name} could not be read`);
  const set = tableColumns(passThrough);
  return {
    known,
    rest: passThrough.length > 0 ? set.rest : { kind: 'none' },
  };
}

function valueNativeQuery(call: CallContext): MValue {
  const target = call.args[0];
  if (target?.kind !== 'source') {
    call.report({
      kind: 'unresolved_navigation',
      functionName: call.name,
      message:
        'Value.NativeQuery runs against a source this connector does not recognise; its tables are not listed.',
    });
    return opaque(call.args.length > 0 && target !== undefined ? call.refsOf(target) : []);
  }
  return nativeQueryValue(call, target.state, call.args[1]);
}

export const NATIVE_QUERY_FUNCTIONS: FunctionTable = {
  'Value.NativeQuery': valueNativeQuery,
};
