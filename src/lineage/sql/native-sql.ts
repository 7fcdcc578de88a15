/**
 * Physical tables read by a native SQL query, found with node-sql-parser in the platform's dialect.
 * CTE names, temp tables (#t, @t) and write targets are left out; identifiers come back unquoted.
 */
import sqlParser from 'node-sql-parser';
import { DEFAULT_ANALYSIS_LIMITS, formatCount, type AnalysisLimits, type Deadline } from '../limits.js';
import { namingOf } from '../qualified-name.js';
import { procedureDiagnostics } from './sql-procedures.js';
import type { LineageDiagnostic, SqlTableName, SqlTablesResult } from '../types.js';

const parser = new sqlParser.Parser();

/** Our platform name -> node-sql-parser dialect. Platforms without a dialect of their own start with the closest. */
const DIALECT: Readonly<Record<string, string>> = {
  sqlserver: 'transactsql',
  fabric: 'transactsql',
  synapse: 'transactsql',
  snowflake: 'snowflake',
  bigquery: 'bigquery',
  postgres: 'postgresql',
  mysql: 'mysql',
  redshift: 'redshift',
  athena: 'athena',
  trino: 'trino',
  databricks: 'hive',
  oracle: 'postgresql',
  teradata: 'transactsql',
};

/** Tried in order after the platform's dialect fails: the most permissive grammars first. */
const FALLBACK_DIALECTS = ['postgresql', 'mysql', 'transactsql', 'snowflake', 'bigquery', 'trino'];

export function dialectsFor(platform: string): string[] {
  const first = DIALECT[platform];
  const ordered = first === undefined ? FALLBACK_DIALECTS : [first, ...FALLBACK_DIALECTS];
  return [...new Set(ordered)];
}

/** Control characters (e.g. ANSI colour codes pasted into aliases) are not SQL; they break every grammar. */
function cleanSql(sql: string): string {
  // eslint-disable-next-line no-control-regex
  return sql.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}

/** Collects CTE names anywhere in the AST (nested WITH clauses included); iterative, as long `UNION`/`AND` chains nest deeply. */
function collectCteNames(root: unknown, into: Set<string>): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      for (const item of node) pending.push(item);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    const withClause = record['with'];
    if (Array.isArray(withClause)) {
      for (const cte of withClause) {
        const name = (cte as { name?: { value?: unknown } | string } | null)?.name;
        const value = typeof name === 'string' ? name : name?.value;
        if (typeof value === 'string') into.add(value.toLowerCase());
      }
    }
    for (const value of Object.values(record)) {
      if (value !== null && typeof value === 'object') pending.push(value);
    }
  }
}

function isTemporary(name: string): boolean {
  return name.startsWith('#') || name.startsWith('@');
}

/** `select::a.b::c` -> ['a', 'b', 'c']; BigQuery's backticked `p.d.t` arrives as one table name and is split too. */
function pathOf(entry: string): { op: string; path: string[] } | undefined {
  const [op, db, table] = entry.split('::');
  if (op === undefined || table === undefined) return undefined;
  const dbParts = db === undefined || db === 'null' || db === '' ? [] : db.split('.');
  return { op, path: [...dbParts, ...table.split('.')].filter((part) => part !== '') };
}

interface ParsedTables {
  paths: string[][];
  procedures: LineageDiagnostic[];
}

/** The SQL parser's own recursion ran out of stack: every dialect would, so none is tried further. */
const TOO_DEEP = 'too deep';

function tryParse(sql: string, dialect: string): ParsedTables | undefined | typeof TOO_DEEP {
  let tableList: string[];
  let ast: unknown;
  try {
    const result = parser.parse(sql, { database: dialect });
    tableList = result.tableList;
    ast = result.ast;
  } catch (error) {
    return error instanceof RangeError ? TOO_DEEP : undefined;
  }
  const ctes = new Set<string>();
  collectCteNames(ast, ctes);
  const seen = new Set<string>();
  const paths: string[][] = [];
  for (const entry of tableList) {
    const parsed = pathOf(entry);
    if (parsed === undefined || parsed.op !== 'select' || parsed.path.length === 0) continue;
    const last = parsed.path[parsed.path.length - 1] ?? '';
    if (isTemporary(last) || (parsed.path.length === 1 && ctes.has(last.toLowerCase()))) continue;
    if (parsed.path.length === 1 && last.toLowerCase() === 'dual') continue;
    const key = parsed.path.join('.').toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push(parsed.path);
  }
  // Sorted so the output does not depend on the order the grammar visits clauses in.
  paths.sort((a, b) => a.join('.').toLowerCase().localeCompare(b.join('.').toLowerCase()));
  return { paths, procedures: procedureDiagnostics(ast) };
}

/** Dot paths of the tables a query reads, or a diagnostic. Read-only: results are shared through the cache. */
export interface SqlTablePaths {
  readonly paths: readonly (readonly string[])[];
  readonly diagnostics: readonly LineageDiagnostic[];
}

function limitExceeded(message: string): SqlTablePaths {
  return { paths: [], diagnostics: [{ kind: 'limit_exceeded', message }] };
}

/**
 * Dot paths of the tables a query reads, or a diagnostic when no dialect can parse it or the query
 * is longer than `limits.maxSqlChars`. When `deadline` passes between two dialects, its
 * LimitExceededError is thrown.
 */
export function extractSqlTablePaths(
  sql: string,
  platform: string,
  limits: Pick<AnalysisLimits, 'maxSqlChars'> = DEFAULT_ANALYSIS_LIMITS,
  deadline?: Deadline,
): SqlTablePaths {
  if (sql.length > limits.maxSqlChars) {
    return limitExceeded(
      `The native ${platform} query has ${formatCount(sql.length)} characters, more than the ${formatCount(limits.maxSqlChars)} the SQL analysis reads; its tables are not in the lineage.`,
    );
  }
  const cleaned = cleanSql(sql);
  if (cleaned === '') {
    return { paths: [], diagnostics: [{ kind: 'unparsable_sql', message: 'The native query is empty.' }] };
  }
  const dialects = dialectsFor(platform);
  for (const [index, dialect] of dialects.entries()) {
    if (index > 0) deadline?.checkNow();
    const parsed = tryParse(cleaned, dialect);
    if (parsed === TOO_DEEP) {
      return limitExceeded(
        `The native ${platform} query is nested too deeply for the SQL parser; its tables are not in the lineage.`,
      );
    }
    if (parsed !== undefined) return { paths: parsed.paths, diagnostics: parsed.procedures };
  }
  return {
    paths: [],
    diagnostics: [
      {
        kind: 'unparsable_sql',
        message: `The native ${platform} query could not be parsed (tried dialects: ${dialects.join(', ')}); its tables are not in the lineage.`,
      },
    ],
  };
}

/** Maps a dot path to named parts by the platform's naming: 2-part platforms read `a.b` as database.table. */
export function sqlNameOf(path: readonly string[], platform: string): SqlTableName {
  const table = path[path.length - 1] ?? '';
  const twoPart = namingOf(platform).levels.length === 2 || platform === 'athena';
  if (twoPart) {
    const database = path[path.length - 2];
    return database === undefined ? { table } : { database, table };
  }
  const schema = path[path.length - 2];
  const database = path.length >= 3 ? path.slice(0, path.length - 2).join('.') : undefined;
  const name: SqlTableName = { table };
  if (database !== undefined) name.database = database;
  if (schema !== undefined) name.schema = schema;
  return name;
}

export function extractSqlTables(sql: string, platform: string): SqlTablesResult {
  const { paths, diagnostics } = extractSqlTablePaths(sql, platform);
  return { tables: paths.map((path) => sqlNameOf(path, platform)), diagnostics: [...diagnostics] };
}
