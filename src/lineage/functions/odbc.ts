/**
 * Odbc.DataSource(connection, options) and Odbc.Query(connection, sql). The platform comes from the
 * DSN mapping in the lineage settings, else from the driver name in the connection string.
 * https://learn.microsoft.com/powerquery-m/odbc-datasource
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseState } from './database-source.js';
import { nativeQueryValue } from './native-query.js';
import { namingOf } from '../qualified-name.js';
import type { OdbcDsnTarget } from '../types.js';
import { opaque, source, textOf, type Level, type MValue, type SourceState } from '../m/values.js';

/** Driver name fragment -> platform, checked in order. */
const DRIVER_PLATFORMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/mysql|mariadb/i, 'mysql'],
  [/postgres|psqlodbc/i, 'postgres'],
  [/snowflake/i, 'snowflake'],
  [/redshift/i, 'redshift'],
  [/athena/i, 'athena'],
  [/databricks|simba spark|spark/i, 'databricks'],
  [/bigquery/i, 'bigquery'],
  [/teradata/i, 'teradata'],
  [/oracle/i, 'oracle'],
  [/trino|presto|starburst/i, 'trino'],
  [/sql server|sqlsrv|sql native client/i, 'sqlserver'],
];

/** `driver={MySQL ODBC 9.2};server=x;dsn=y` or the record form `[dsn="y"]` -> lower-case key -> value. */
export function parseConnectionString(value: MValue | undefined): Map<string, string> {
  const entries = new Map<string, string>();
  if (value?.kind === 'record') {
    for (const [key, field] of value.fields) {
      const fieldText = textOf(field);
      if (fieldText !== undefined) entries.set(key.toLowerCase(), fieldText);
    }
    return entries;
  }
  const connection = textOf(value);
  if (connection === undefined) return entries;
  const pattern = /\s*([^=;]+?)\s*=\s*(\{[^}]*\}|[^;]*)\s*(?:;|$)/g;
  for (const match of connection.matchAll(pattern)) {
    const key = match[1];
    const raw = match[2];
    if (key === undefined || raw === undefined) continue;
    entries.set(key.toLowerCase(), raw.replace(/^\{|\}$/g, '').trim());
  }
  return entries;
}

function dsnTarget(call: CallContext, dsn: string | undefined): OdbcDsnTarget | undefined {
  if (dsn === undefined) return undefined;
  const map = call.options.odbcDsnMap ?? {};
  const wanted = dsn.toLowerCase();
  const key = Object.keys(map).find((name) => name.toLowerCase() === wanted);
  return key === undefined ? undefined : map[key];
}

function platformOfDriver(driver: string | undefined): string | undefined {
  if (driver === undefined) return undefined;
  return DRIVER_PLATFORMS.find(([pattern]) => pattern.test(driver))?.[1];
}

function odbcState(call: CallContext): SourceState | undefined {
  const entries = parseConnectionString(call.args[0]);
  const dsn = entries.get('dsn');
  const mapped = dsnTarget(call, dsn);
  const platform = mapped?.platform ?? platformOfDriver(entries.get('driver'));
  if (platform === undefined) {
    call.report({
      kind: 'unknown_platform',
      functionName: call.name,
      message: `The platform behind ODBC ${dsn === undefined ? 'connection' : `DSN "${dsn}"`} is unknown; map the DSN to a platform in the lineage settings.`,
    });
    return undefined;
  }
  const defaults: Partial<Record<Level, string>> = {};
  const database = mapped?.database ?? entries.get('database');
  if (database !== undefined) defaults.database = database;
  if (mapped?.schema !== undefined) defaults.schema = mapped.schema;
  const server = entries.get('server') ?? entries.get('host') ?? dsn ?? null;
  const twoPart = namingOf(platform).levels.length === 2;
  return databaseState(call, {
    platform,
    server,
    levels: twoPart ? ['database', 'table'] : ['database', 'schema', 'table'],
    keyLevels: twoPart ? { schema: 'database', item: 'table' } : { schema: 'schema', item: 'table' },
    defaults,
  });
}

function odbcDataSource(call: CallContext): MValue {
  const state = odbcState(call);
  return state === undefined ? opaque() : source(state);
}

function odbcQuery(call: CallContext): MValue {
  const state = odbcState(call);
  return state === undefined ? opaque() : nativeQueryValue(call, state, call.args[1]);
}

export const ODBC_FUNCTIONS: FunctionTable = {
  'Odbc.DataSource': odbcDataSource,
  'Odbc.Query': odbcQuery,
};
