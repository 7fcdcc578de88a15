/**
 * Column lineage of a native SQL query: each output column of its (last) SELECT with the warehouse
 * columns it comes from and how (identity, renamed, derived, aggregated), followed through
 * aliases, joins, CTEs, subqueries, set operations and `SELECT … INTO #t`. A `*` over a table
 * whose columns the caller does not know is kept as a pass-through of that table, flagged. Never
 * throws: SQL that no dialect parses gives no columns and an `unparsable_sql` diagnostic.
 */
import {
  DEFAULT_ANALYSIS_LIMITS,
  Deadline,
  formatCount,
  LimitExceededError,
  type AnalysisLimits,
} from '../limits.js';
import type { LineageDiagnostic, LineageDiagnosticKind } from '../types.js';
import { dialectsFor } from './native-sql.js';
import { intoTargetOf, selectOf, statementsOf } from './sql-ast.js';
import { parseInDialect } from './sql-parse.js';
import { uniquePaths, type SqlColumnSource, type SqlColumnTransformation } from './sql-column-model.js';
import { procedureDiagnostics } from './sql-procedures.js';
import { SelectAnalysis, type KnownColumns } from './sql-select.js';
import { rewriteForParser } from './token-scan.js';

export type { SqlColumnSource, SqlColumnTransformation } from './sql-column-model.js';

export interface SqlOutputColumn {
  name: string;
  sources: SqlColumnSource[];
  transformation: SqlColumnTransformation;
}

export interface SqlColumnsResult {
  /** The named output columns, in select-list order. */
  columns: SqlOutputColumn[];
  /** Tables whose every column passes through a `*` that could not be expanded (their columns are unknown). */
  passThrough: string[][];
  /** Columns that filter or join the rows (WHERE, JOIN … ON, GROUP BY, HAVING, QUALIFY, EXCEPT), each once. */
  filteredBy: SqlColumnSource[];
  diagnostics: LineageDiagnostic[];
}

export interface SqlColumnLineageOptions {
  limits?: Pick<AnalysisLimits, 'maxSqlChars' | 'timeBudgetMs'>;
  /** The deadline of the surrounding analysis; by default, `limits.timeBudgetMs` from now. */
  deadline?: Deadline;
}

/** Columns that cannot be traced (unknown, ambiguous, unnamed, a `*` not expanded). */
const COLUMN_PROBLEM: LineageDiagnosticKind = 'opaque_columns';

/** Distinct column problems reported per query; a generated 256 KB query may have thousands. */
const MAX_PROBLEMS = 20;

/** Platforms where `"x"` is a string, not an identifier. */
const DOUBLE_QUOTED_STRINGS = new Set(['mysql', 'bigquery', 'databricks']);
/** Platforms whose select-list aliases are visible to the items after them. */
const LATERAL_ALIASES = new Set(['snowflake', 'databricks', 'redshift', 'teradata']);
const TRANSACT_SQL = new Set(['sqlserver', 'fabric', 'synapse']);

class Problems {
  private readonly seen = new Set<string>();
  private skipped = 0;
  readonly list: LineageDiagnostic[] = [];

  report = (message: string, kind: LineageDiagnosticKind = COLUMN_PROBLEM): void => {
    if (this.seen.has(message)) return;
    this.seen.add(message);
    if (this.list.length < MAX_PROBLEMS) this.list.push({ kind, message });
    else this.skipped += 1;
  };

  /** The problems, after `first` (which are never capped). */
  all(first: readonly LineageDiagnostic[]): LineageDiagnostic[] {
    if (this.skipped === 0) return [...first, ...this.list];
    return [
      ...first,
      ...this.list,
      {
        kind: COLUMN_PROBLEM,
        message: `${formatCount(this.skipped)} more column problems in this query are not listed.`,
      },
    ];
  }
}

function failed(kind: LineageDiagnosticKind, message: string): SqlColumnsResult {
  return { columns: [], passThrough: [], filteredBy: [], diagnostics: [{ kind, message }] };
}

/** Control characters (e.g. colour codes pasted into aliases) are not SQL; they break every grammar. */
function cleanSql(sql: string): string {
  // eslint-disable-next-line no-control-regex
  return sql.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').trim();
}

type Parsed = { ast: unknown; dialect: string } | { failure: string };

/** The query in the first dialect that parses it; with the T-SQL the parser rejects rewritten first (the tables stay the same). */
function parseSql(sql: string, platform: string, deadline: Deadline): Parsed {
  const rewritten = rewriteForParser(sql, platform);
  const texts = rewritten === undefined ? [sql] : [rewritten, sql];
  let firstFailure: string | undefined;
  let attempts = 0;
  for (const text of texts) {
    for (const dialect of dialectsFor(platform)) {
      if (attempts++ > 0) deadline.checkNow();
      const parsed = parseInDialect(text, dialect);
      if ('ast' in parsed) return { ast: parsed.ast, dialect };
      const { error } = parsed;
      if (error instanceof RangeError) throw error;
      firstFailure ??= `${dialect}: ${error instanceof Error ? error.message.slice(0, 80) : String(error)}`;
    }
  }
  return { failure: firstFailure ?? 'no dialect accepted it' };
}

function analysisFor(
  platform: string,
  dialect: string,
  knownColumns: KnownColumns | undefined,
  deadline: Deadline,
  problems: Problems,
): SelectAnalysis {
  return new SelectAnalysis({
    knownColumns,
    deadline,
    doubleQuotedIdentifiers: !DOUBLE_QUOTED_STRINGS.has(platform),
    lateralAliases: LATERAL_ALIASES.has(platform),
    assignmentAliases: TRANSACT_SQL.has(platform) || dialect === 'transactsql',
    report: (message) => problems.report(message),
  });
}

function columnsOf(
  ast: unknown,
  platform: string,
  dialect: string,
  knownColumns: KnownColumns | undefined,
  deadline: Deadline,
): SqlColumnsResult {
  const problems = new Problems();
  const analysis = analysisFor(platform, dialect, knownColumns, deadline, problems);
  let last: ReturnType<typeof selectOf>;
  for (const statement of statementsOf(ast)) {
    const select = selectOf(statement);
    if (select === undefined) continue;
    const into = intoTargetOf(select);
    if (into === undefined) last = select;
    else analysis.defineTempTable(into, analysis.shapeOfQuery(select, undefined, undefined));
  }
  if (last === undefined) {
    const procedures = procedureDiagnostics(ast);
    return procedures.length > 0
      ? { columns: [], passThrough: [], filteredBy: [], diagnostics: procedures }
      : failed('unparsable_sql', `The native ${platform} query has no SELECT whose columns could be read.`);
  }
  const shape = analysis.shapeOfQuery(last, undefined, undefined);
  const columns: SqlOutputColumn[] = [];
  shape.columns.forEach((column, position) => {
    if (column.name === undefined) {
      problems.report(
        `Output column ${position + 1} is an expression without an alias; its name is the database's choice, so it is left out.`,
      );
      return;
    }
    columns.push({
      name: column.name,
      sources: column.sources.map(copySource),
      transformation: column.transformation,
    });
  });
  const passThrough = uniquePaths(shape.passThrough);
  const unexpanded = passThrough.map((path) => ({
    kind: COLUMN_PROBLEM,
    message: `The columns of ${path.join('.')} are unknown: its * passes every column through unexpanded.`,
  }));
  return { columns, passThrough, filteredBy: analysis.filters.items, diagnostics: problems.all(unexpanded) };
}

function copySource(source: SqlColumnSource): SqlColumnSource {
  return { path: [...source.path], column: source.column };
}

/**
 * The output columns of a native query and the warehouse columns each comes from. `knownColumns`
 * gives a table's columns (by its path as written) where the caller knows them: `*` is then
 * expanded, and an unqualified name in a join finds its table.
 */
export function sqlColumnLineage(
  sql: string,
  platform: string,
  knownColumns?: KnownColumns,
  options: SqlColumnLineageOptions = {},
): SqlColumnsResult {
  const limits = options.limits ?? DEFAULT_ANALYSIS_LIMITS;
  if (sql.length > limits.maxSqlChars) {
    return failed(
      'limit_exceeded',
      `The native ${platform} query has ${formatCount(sql.length)} characters, more than the ${formatCount(limits.maxSqlChars)} the SQL analysis reads; its columns are not in the lineage.`,
    );
  }
  const cleaned = cleanSql(sql);
  if (cleaned === '') return failed('unparsable_sql', 'The native query is empty.');
  const deadline =
    options.deadline ?? new Deadline(limits.timeBudgetMs, 'the column lineage of this native query');
  try {
    const parsed = parseSql(cleaned, platform, deadline);
    if ('failure' in parsed) {
      return failed(
        'unparsable_sql',
        `The native ${platform} query could not be parsed (tried dialects: ${dialectsFor(platform).join(', ')}; ${parsed.failure}); its columns are not in the lineage.`,
      );
    }
    return columnsOf(parsed.ast, platform, parsed.dialect, knownColumns, deadline);
  } catch (error) {
    if (error instanceof LimitExceededError) return failed('limit_exceeded', error.message);
    if (error instanceof RangeError) {
      return failed(
        'limit_exceeded',
        `The native ${platform} query is nested too deeply for the SQL analysis; its columns are not in the lineage.`,
      );
    }
    throw error;
  }
}
