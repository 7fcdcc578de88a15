/**
 * Physical tables read by a native SQL query, found with node-sql-parser in the platform's dialect
 * (then the fallback dialects, then a token scan when none parses it: token-scan.ts).
 * CTE names, temp tables (#t, @t) and write targets are left out; identifiers come back unquoted.
 */
import { DEFAULT_ANALYSIS_LIMITS, formatCount, type AnalysisLimits, type Deadline } from '../limits.js';
import { namingOf } from '../qualified-name.js';
import { parseInDialect } from './sql-parse.js';
import { procedureDiagnostics } from './sql-procedures.js';
import { rewriteForParser, scanSqlTables } from './token-scan.js';
import type { LineageDiagnostic, SqlTableName, SqlTablesResult } from '../types.js';

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

/** Why a dialect rejected the query, shortly: `transactsql stopped at line 1, column 18, at "*"`. */
interface ParseFailure {
  failure: string;
}

type ParseOutcome = ParsedTables | ParseFailure | typeof TOO_DEEP;

/** node-sql-parser's errors carry where the grammar stopped and the character it found there. */
function describeFailure(error: unknown, dialect: string): string {
  const { location, found, message } = (error ?? {}) as {
    location?: { start?: { line?: number; column?: number } };
    found?: unknown;
    message?: unknown;
  };
  const line = location?.start?.line;
  const column = location?.start?.column;
  if (line === undefined || column === undefined) {
    const text = typeof message === 'string' ? message : String(error);
    return `${dialect}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`;
  }
  const where = typeof found === 'string' ? `at ${JSON.stringify(found)}` : 'at the end of the query';
  return `${dialect} stopped at line ${line}, column ${column}, ${where}`;
}

/**
 * The tables a query reads among the names found (by the parser or the token scan): temp tables
 * (#t, @t, anything in tempdb), CTE names and `dual` left out, each name once (case-insensitive), sorted so that the
 * output does not depend on the order the names were visited in.
 */
function readTablePaths(candidates: readonly string[][], ctes: ReadonlySet<string>): string[][] {
  const seen = new Set<string>();
  const paths: string[][] = [];
  for (const path of candidates) {
    const last = path[path.length - 1];
    if (last === undefined || isTemporary(last)) continue;
    if (path.length === 1 && (ctes.has(last.toLowerCase()) || last.toLowerCase() === 'dual')) continue;
    if (path.length > 1 && path[0]?.toLowerCase() === 'tempdb') continue;
    const key = path.join('.').toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push(path);
  }
  paths.sort((a, b) => a.join('.').toLowerCase().localeCompare(b.join('.').toLowerCase()));
  return paths;
}

function tryParse(sql: string, dialect: string): ParseOutcome {
  const parsed = parseInDialect(sql, dialect);
  if ('error' in parsed)
    return parsed.error instanceof RangeError
      ? TOO_DEEP
      : { failure: describeFailure(parsed.error, dialect) };
  const { ast, tableList } = parsed;
  const ctes = new Set<string>();
  collectCteNames(ast, ctes);
  const candidates: string[][] = [];
  for (const entry of tableList) {
    const parsed = pathOf(entry);
    if (parsed !== undefined && parsed.op === 'select' && parsed.path.length > 0)
      candidates.push(parsed.path);
  }
  return { paths: readTablePaths(candidates, ctes), procedures: procedureDiagnostics(ast) };
}

/** Dot paths of the tables a query reads, or a diagnostic. Read-only: results are shared through the cache. */
export interface SqlTablePaths {
  readonly paths: readonly (readonly string[])[];
  readonly diagnostics: readonly LineageDiagnostic[];
}

function limitExceeded(message: string): SqlTablePaths {
  return { paths: [], diagnostics: [{ kind: 'limit_exceeded', message }] };
}

/** `FROM t (NOLOCK)`: the parser reads `t(…)` as a table function and reports no table, so the rewrite goes first. */
const OLD_STYLE_TABLE_HINT =
  /\(\s*(?:nolock|readuncommitted|readcommitted|repeatableread|serializable|holdlock|updlock|xlock|tablock|tablockx|paglock|rowlock|nowait|readpast|noexpand)\s*[,)]/i;

/**
 * The texts given to the parser, in order: the query, then the query with the T-SQL the parser
 * rejects rewritten (token-scan.ts: rewriteForParser); the rewrite first when the query has a table
 * hint the parser would misread.
 */
function* parserInputs(sql: string, platform: string): Generator<string> {
  const corrected = OLD_STYLE_TABLE_HINT.test(sql) ? rewriteForParser(sql, platform) : undefined;
  if (corrected !== undefined) yield corrected;
  yield sql;
  if (corrected === undefined) {
    const rewritten = rewriteForParser(sql, platform);
    if (rewritten !== undefined) yield rewritten;
  }
}

/** The procedures the token scan found, reported as the parser path reports them. */
function scannedProcedures(procedures: readonly string[][]): LineageDiagnostic[] {
  const statements = procedures.map((parts) => ({
    type: 'exec',
    module: { db: parts.slice(0, -1).join('.') || null, table: parts[parts.length - 1] },
  }));
  return procedureDiagnostics(statements);
}

/**
 * The tables and stored procedures a token scan of `sql` finds (token-scan.ts), filtered and
 * ordered like the parser path's: the fallback for SQL that no dialect parses.
 */
export function tokenScanTablePaths(sql: string, platform: string): SqlTablePaths {
  const scan = scanSqlTables(cleanSql(sql), platform);
  return {
    paths: readTablePaths(scan.paths, scan.cteNames),
    diagnostics: scannedProcedures(scan.procedures),
  };
}

/** When every dialect rejected the query: the names a token scan finds, marked as such. */
function tokenScanFallback(
  sql: string,
  platform: string,
  dialects: string[],
  failure: string,
): SqlTablePaths {
  const { paths, diagnostics } = tokenScanTablePaths(sql, platform);
  const tried = `tried dialects: ${dialects.join(', ')}`;
  const diagnostic: LineageDiagnostic =
    paths.length > 0
      ? {
          kind: 'sql_token_scan',
          message: `The native ${platform} query could not be parsed (${tried}; ${failure}); its tables were recovered by a token scan of its FROM, JOIN, APPLY and USING clauses and may be incomplete.`,
        }
      : {
          kind: 'unparsable_sql',
          message: `The native ${platform} query could not be parsed (${tried}); its tables are not in the lineage.`,
        };
  return { paths, diagnostics: [diagnostic, ...diagnostics] };
}

/**
 * Dot paths of the tables a query reads, or a diagnostic when the query is longer than
 * `limits.maxSqlChars`. Each dialect is tried on the query (and on the query with T-SQL the parser
 * rejects rewritten); when none parses it, a token scan recovers the names (diagnostic
 * `sql_token_scan`; `unparsable_sql` when it finds none). When `deadline` passes between two
 * attempts, its LimitExceededError is thrown.
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
  let firstFailure: string | undefined;
  let attempts = 0;
  for (const text of parserInputs(cleaned, platform)) {
    for (const dialect of dialects) {
      if (attempts++ > 0) deadline?.checkNow();
      const parsed = tryParse(text, dialect);
      if (parsed === TOO_DEEP) {
        return limitExceeded(
          `The native ${platform} query is nested too deeply for the SQL parser; its tables are not in the lineage.`,
        );
      }
      if ('paths' in parsed) return { paths: parsed.paths, diagnostics: parsed.procedures };
      firstFailure ??= parsed.failure;
    }
  }
  deadline?.checkNow();
  return tokenScanFallback(cleaned, platform, dialects, firstFailure ?? 'no dialect accepted it');
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
