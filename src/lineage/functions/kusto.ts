/**
 * Azure Data Explorer (Kusto) and Fabric Eventhouse / KQL databases:
 * AzureDataExplorer.Contents / Kusto.Contents / AzureDataExplorer.KqlDatabase(cluster, database,
 * tableOrQuery, options), where tableOrQuery is a table name or a KQL query; without it the result is
 * navigated `{[Name="Table"]}[Data]` (and `{[Name="db"]}[Data]` first without a database), as is
 * AzureDataExplorer.Databases / Kusto.Databases(cluster, options). Value.NativeQuery on such a source
 * runs KQL. Names are `database.table`; the server is the cluster as written.
 * https://learn.microsoft.com/power-query/connectors/azure-data-explorer
 */
import type { CallContext, FunctionHandler, FunctionTable } from '../m/call-context.js';
import { KIND_LEVELS } from '../m/navigation.js';
import { formatCount } from '../limits.js';
import { partialNameDiagnostic, referenceOf } from '../reference.js';
import type { UpstreamReference } from '../types.js';
import { NO_LINEAGE, serverArg } from './database-source.js';
import { kqlSourceTables, type KqlGap, type KqlTable } from './kql-tables.js';
import { tableColumns } from '../m/columns.js';
import { opaque, source, tableValue, unresolvedOf, type MValue, type UnknownPart } from '../m/values.js';

const PLATFORM = 'kusto';

interface KustoContext {
  cluster: string | null;
  database: string | undefined;
  /** Set when the database argument is a parameter without a value: tables found are partial names. */
  unknown?: readonly UnknownPart[];
}

/** A table name as the third argument (entity names may hold spaces, dots and dashes), not a query. */
const PLAIN_NAME = /^[\p{L}\p{N}_][\p{L}\p{N}_ .-]*$/u;
/** First words that make a name-like text a KQL query (`print 1`, `range x from 1 to 3 step 1`). */
const QUERY_WORDS = new Set(['print', 'range', 'search', 'find', 'union', 'evaluate', 'let', 'set']);

function isPlainName(text: string): boolean {
  return PLAIN_NAME.test(text) && !QUERY_WORDS.has(text.split(' ')[0] ?? '');
}

function isAbsent(value: MValue | undefined): boolean {
  return value === undefined || value.kind === 'null';
}

function navigable(call: CallContext, context: KustoContext): MValue {
  const databaseGiven = context.database !== undefined || context.unknown !== undefined;
  return source({
    via: call.name,
    platform: PLATFORM,
    kind: 'table',
    server: context.cluster,
    parts: context.database === undefined ? {} : { database: context.database },
    rules: {
      levels: databaseGiven ? ['table'] : ['database', 'table'],
      keyLevels: {},
      kindLevels: KIND_LEVELS,
    },
    ...(context.unknown === undefined ? {} : { unknown: context.unknown }),
  });
}

/** A table read in `context`; `cluster`/`database` when the query names others. A partial name says so. */
function tableReference(
  call: CallContext,
  context: KustoContext,
  found: KqlTable,
  nativeQuery: boolean,
): UpstreamReference | undefined {
  const database = found.database ?? context.database;
  const unknown = found.database === undefined ? (context.unknown ?? []) : [];
  const reference = referenceOf({
    platform: PLATFORM,
    kind: 'table',
    server: found.cluster ?? context.cluster,
    parts: database === undefined ? { table: found.table } : { database, table: found.table },
    via: call.name,
    nativeQuery,
    unknown,
  });
  if (reference?.partial === true) call.report(partialNameDiagnostic(reference, unknown));
  return reference;
}

function gapDiagnostic(call: CallContext, gap: KqlGap): void {
  if (gap.kind === 'function') {
    call.report({
      kind: 'unsupported_function',
      functionName: call.name,
      message: `The KQL query passed to ${call.name} calls the function ${gap.name}(); the tables it reads are not listed.`,
    });
    return;
  }
  call.report({
    kind: 'unparsable_sql',
    functionName: call.name,
    message: `The KQL query passed to ${call.name} uses ${gap.what}, which this connector does not read; the tables it reads there are not listed.`,
  });
}

function queryAllowed(call: CallContext, query: string): boolean {
  if (call.options.parseNativeQueries === false) {
    call.report({
      kind: 'native_query_skipped',
      functionName: call.name,
      message:
        'Native query parsing is turned off in the lineage settings; the tables this KQL query reads are not listed.',
    });
    return false;
  }
  if (query.length > call.limits.maxSqlChars) {
    call.report({
      kind: 'limit_exceeded',
      functionName: call.name,
      message: `The KQL query has ${formatCount(query.length)} characters, more than the ${formatCount(call.limits.maxSqlChars)} the query analysis reads; its tables are not in the lineage.`,
    });
    return false;
  }
  return true;
}

/** The tables of a table name or KQL query run in `context`. */
function tablesOfQuery(call: CallContext, context: KustoContext, text: string): MValue {
  const trimmed = text.trim();
  if (isPlainName(trimmed)) {
    const reference = tableReference(call, context, { table: trimmed }, false);
    const references = reference === undefined ? [] : [reference];
    // A bare table name returns the table as it is: its columns pass through.
    return call.trackColumns ? tableValue(references, tableColumns(references)) : opaque(references);
  }
  if (!queryAllowed(call, text)) return opaque();
  const { tables, gaps } = kqlSourceTables(text);
  gaps.forEach((gap) => gapDiagnostic(call, gap));
  const references: UpstreamReference[] = [];
  for (const table of tables) {
    const reference = tableReference(call, context, table, true);
    if (reference !== undefined) references.push(reference);
  }
  return opaque(references);
}

/** A table or query whose text is not known: say why, unless an unresolved parameter already did. */
function unknownQuery(call: CallContext, value: MValue | undefined): MValue {
  if (unresolvedOf(value) === undefined) {
    call.report({
      kind: 'unresolved_parameter',
      functionName: call.name,
      message: `The table or KQL query passed to ${call.name} is built at refresh time and cannot be read statically.`,
    });
  }
  return NO_LINEAGE;
}

function kustoContents(call: CallContext): MValue {
  const cluster = serverArg(call, 0);
  if (isAbsent(call.args[1])) return navigable(call, { cluster, database: undefined });
  const database = call.text(1, 'database');
  const context: KustoContext =
    database === undefined ? { cluster, database, unknown: ['database'] } : { cluster, database };
  if (isAbsent(call.args[2])) return navigable(call, context);
  const text = call.text(2, 'table or query');
  return text === undefined ? unknownQuery(call, call.args[2]) : tablesOfQuery(call, context, text);
}

function kustoDatabases(call: CallContext): MValue {
  return navigable(call, { cluster: serverArg(call, 0), database: undefined });
}

/** Value.NativeQuery on a Kusto source runs KQL; any other source goes to `otherwise`. */
export function withKustoNativeQuery(otherwise: FunctionHandler): FunctionHandler {
  return (call) => {
    const target = call.args[0];
    if (target?.kind !== 'source' || target.state.platform !== PLATFORM) return otherwise(call);
    const { server, parts, unknown } = target.state;
    // Without a database the query runs in one that is not known here: its tables are partial names.
    const context: KustoContext = {
      cluster: server,
      database: parts.database,
      ...(parts.database === undefined ? { unknown: unknown ?? ['database'] } : {}),
    };
    const text = call.textOfValue(call.args[1], 'native query');
    return text === undefined ? unknownQuery(call, call.args[1]) : tablesOfQuery(call, context, text);
  };
}

export const KUSTO_FUNCTIONS: FunctionTable = {
  'AzureDataExplorer.Contents': kustoContents,
  'Kusto.Contents': kustoContents,
  'AzureDataExplorer.KqlDatabase': kustoContents,
  'AzureDataExplorer.Databases': kustoDatabases,
  'Kusto.Databases': kustoDatabases,
};
