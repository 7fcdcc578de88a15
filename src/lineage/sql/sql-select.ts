/**
 * The output columns of a parsed SELECT, each with the warehouse columns it comes from: the
 * select list read against the tables, CTEs and subqueries of its FROM (followed down to
 * warehouse tables), set operations merged by position, and the columns that filter or join the
 * rows (WHERE, ON, GROUP BY, HAVING, QUALIFY) collected on the side.
 */
import type { Deadline } from '../limits.js';
import { LimitExceededError } from '../limits.js';
import {
  aliasOf,
  columnRefOf,
  functionNameOf,
  identifierOf,
  listOf,
  nodeOf,
  selectOf,
  setBranchesOf,
  tablePathOf,
  type AstNode,
  type ColumnRef,
} from './sql-ast.js';
import {
  asColumnNamed,
  SourceList,
  strongest,
  type ColumnOrigin,
  type Shape,
  type ShapeColumn,
  type SqlColumnTransformation,
} from './sql-column-model.js';
import { expandStar, newScope, resolveColumn, type Relation, type Scope } from './sql-scope.js';

export type KnownColumns = (path: string[]) => string[] | undefined;

export interface SelectAnalysisOptions {
  readonly knownColumns: KnownColumns | undefined;
  readonly deadline: Deadline;
  /** Double-quoted text is an identifier (ANSI, T-SQL, Snowflake, Postgres…), not a string (MySQL, BigQuery, Spark). */
  readonly doubleQuotedIdentifiers: boolean;
  /** A select-list alias may be used by the items after it (Snowflake, Databricks, Redshift, Teradata). */
  readonly lateralAliases: boolean;
  /** `SELECT Name = expr` is an alias (T-SQL). */
  readonly assignmentAliases: boolean;
  readonly report: (message: string) => void;
}

interface CteDefinition {
  readonly name: string;
  /** Its place in its WITH clause. */
  readonly position: number;
  readonly select: AstNode;
  readonly columnNames: string[] | undefined;
  /** The CTEs visible to its body: its own WITH (itself included, for recursion) and the enclosing ones. */
  env: CteEnv | undefined;
  shape?: Shape;
  /** A recursive CTE's anchor branch, for the references to itself. */
  anchor?: Shape;
  computing?: boolean;
}

interface CteEnv {
  readonly definitions: ReadonlyMap<string, CteDefinition>;
  /** The same, in the order written. */
  readonly ordered: readonly CteDefinition[];
  readonly parent: CteEnv | undefined;
}

function findCte(env: CteEnv | undefined, name: string): CteDefinition | undefined {
  for (let current = env; current !== undefined; current = current.parent) {
    const found = current.definitions.get(name.toLowerCase());
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Aggregates node-sql-parser reads as plain functions in some dialects. */
const AGGREGATE_FUNCTIONS = new Set([
  'sum', 'count', 'count_big', 'avg', 'min', 'max', 'median', 'mode', 'stddev', 'stddev_pop', 'stddev_samp',
  'variance', 'var_pop', 'var_samp', 'var', 'varp', 'stdev', 'stdevp', 'listagg', 'string_agg', 'array_agg',
  'group_concat', 'approx_count_distinct', 'any_value', 'bool_and', 'bool_or', 'every', 'count_if',
  'collect_list', 'collect_set', 'percentile_cont', 'percentile_disc', 'approx_percentile', 'corr',
  'covar_pop', 'covar_samp', 'checksum_agg', 'arbitrary', 'object_agg', 'array_union_agg', 'hll',
]); // prettier-ignore

/** Functions taking a date part keyword (`DATEADD(day, 1, d)`, `DATE_TRUNC(d, MONTH)`), which the parser reads as a column. */
const DATE_PART_FUNCTIONS = new Set([
  'dateadd', 'datediff', 'datediff_big', 'datepart', 'datename', 'datetrunc', 'date_trunc', 'date_part',
  'timestampadd', 'timestampdiff', 'timeadd', 'timediff', 'date_bucket', 'time_slice', 'last_day',
  'date_diff', 'date_add', 'date_sub', 'datetime_trunc', 'datetime_diff', 'timestamp_trunc', 'timestamp_diff',
  'time_trunc', 'time_diff',
]); // prettier-ignore

const DATE_PARTS = new Set([
  'year', 'years', 'yy', 'yyyy', 'y', 'yr', 'yrs', 'quarter', 'quarters', 'qq', 'q', 'qtr', 'qtrs', 'month',
  'months', 'mm', 'm', 'mon', 'mons', 'dayofyear', 'dy', 'doy', 'day', 'days', 'dd', 'd', 'dayofmonth',
  'week', 'weeks', 'wk', 'ww', 'w', 'weekday', 'dw', 'dow', 'dayofweek', 'dayofweekiso', 'isoweek',
  'iso_week', 'isowk', 'isoww', 'weekiso', 'yearofweek', 'yearofweekiso', 'isoyear', 'hour', 'hours', 'hh',
  'h', 'hr', 'hrs', 'minute', 'minutes', 'mi', 'n', 'min', 'mins', 'second', 'seconds', 'ss', 's', 'sec',
  'secs', 'millisecond', 'milliseconds', 'ms', 'msec', 'microsecond', 'microseconds', 'mcs', 'us', 'usec',
  'nanosecond', 'nanoseconds', 'ns', 'nsec', 'epoch', 'tzoffset', 'tz', 'timezone_hour', 'timezone_minute',
]); // prettier-ignore

/** Nesting of subqueries and CTEs followed; deeper queries stop the analysis with `limit_exceeded`. */
const MAX_QUERY_DEPTH = 500;

function isDatePartKeyword(arg: unknown): boolean {
  const node = nodeOf(arg);
  const ref = node && columnRefOf(node);
  return ref !== undefined && ref.qualifier.length === 0 && DATE_PARTS.has(ref.column.toLowerCase());
}

/** Lower-cased one-part table names anywhere in a query (the CTEs it may read); without recursion. */
function tableNamesIn(select: AstNode): Set<string> {
  const names = new Set<string>();
  const pending: unknown[] = [select];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
      continue;
    }
    const node = nodeOf(value);
    if (node === undefined || node['type'] === 'column_ref') continue;
    const table = identifierOf(node['table']);
    if (table !== undefined && typeof node['table'] === 'string') names.add(table.toLowerCase());
    for (const child of Object.values(node))
      if (child !== null && typeof child === 'object') pending.push(child);
  }
  return names;
}

function isStar(ref: ColumnRef): boolean {
  return ref.column === '*';
}

/** `CAST(x AS t)` and `x::t` change the type, not the value's origin: the column passes as it is. */
function withoutCasts(expr: unknown): unknown {
  let current = expr;
  for (let node = nodeOf(current); node?.['type'] === 'cast'; node = nodeOf(current)) current = node['expr'];
  return current;
}

interface ExpressionOrigin extends ColumnOrigin {
  /** The expression is one column (perhaps cast): identity or renamed rather than derived. */
  readonly plainColumn: string | undefined;
}

interface SelectItem {
  readonly expr: unknown;
  readonly alias: string | undefined;
}

export class SelectAnalysis {
  /** Columns that filter or join the rows of the queries read. */
  readonly filters = new SourceList();
  private readonly tempTables = new Map<string, Shape>();
  private depth = 0;

  constructor(private readonly options: SelectAnalysisOptions) {}

  /** Remembers what `SELECT … INTO #t` put in `#t`, for the statements after it. */
  defineTempTable(name: string, shape: Shape): void {
    this.tempTables.set(name.toLowerCase(), shape);
  }

  /** The columns a query (with its WITH and set operations) puts out. */
  shapeOfQuery(select: AstNode, parent: Scope | undefined, env: CteEnv | undefined): Shape {
    if (++this.depth > MAX_QUERY_DEPTH) {
      throw new LimitExceededError(
        `The native query nests more than ${MAX_QUERY_DEPTH} subqueries and CTEs deep; its column lineage stops there.`,
      );
    }
    try {
      const branches = setBranchesOf(select);
      const shapes = branches.map((branch) =>
        this.shapeOfBranch(branch.select, parent, this.withClause(branch.select, env)),
      );
      return this.mergeBranches(
        branches.map((branch) => branch.operator),
        shapes,
      );
    } finally {
      this.depth -= 1;
    }
  }

  private withClause(select: AstNode, env: CteEnv | undefined): CteEnv | undefined {
    const entries = listOf(select['with']);
    if (entries.length === 0) return env;
    const definitions = new Map<string, CteDefinition>();
    const ordered: CteDefinition[] = [];
    const inner: CteEnv = { definitions, ordered, parent: env };
    for (const entry of entries) {
      const node = nodeOf(entry);
      const name = identifierOf(node?.['name']);
      const body = selectOf(node?.['stmt']);
      if (node === undefined || name === undefined || body === undefined) continue;
      const names = listOf(node['columns']).map((column) => {
        const ref = nodeOf(column);
        return (ref && columnRefOf(ref)?.column) ?? identifierOf(column) ?? '';
      });
      const definition: CteDefinition = {
        name,
        position: ordered.length,
        select: body,
        columnNames: names.length > 0 ? names : undefined,
        env: inner,
      };
      definitions.set(name.toLowerCase(), definition);
      ordered.push(definition);
    }
    return inner;
  }

  private mergeBranches(operators: readonly (string | undefined)[], shapes: readonly Shape[]): Shape {
    const [first, ...rest] = shapes;
    if (first === undefined) return { columns: [], passThrough: [] };
    if (rest.length === 0) return first;
    const merged = first.columns.map((column) => ({
      column,
      sources: new SourceList(),
      kind: column.transformation,
    }));
    for (const entry of merged) entry.sources.addAll(entry.column.sources);
    const passThrough = first.passThrough.map((path) => [...path]);
    rest.forEach((shape, index) => {
      const operator = operators[index + 1] ?? 'union';
      if (operator.startsWith('except') || operator.startsWith('minus')) {
        // The rows of EXCEPT's right side only remove rows: its columns filter.
        for (const column of shape.columns) this.filters.addAll(column.sources);
        return;
      }
      passThrough.push(...shape.passThrough.map((path) => [...path]));
      const lineUp =
        shape.columns.length === first.columns.length &&
        shape.passThrough.length === 0 &&
        first.passThrough.length === 0;
      if (!lineUp) {
        if (shape.columns.length > 0)
          this.options.report(
            `The columns of a ${operator.toUpperCase()} branch cannot be matched by position (a * of unknown columns, or a different count); that branch's sources are left out of the named columns.`,
          );
        return;
      }
      shape.columns.forEach((column, position) => {
        const target = merged[position];
        if (target === undefined) return;
        target.sources.addAll(column.sources);
        target.kind = strongest(target.kind, asColumnNamed(target.column.name, column));
      });
    });
    return {
      columns: merged.map(({ column, sources, kind }) => ({
        name: column.name,
        sources: sources.items,
        transformation: kind,
      })),
      passThrough,
    };
  }

  private shapeOfBranch(select: AstNode, parent: Scope | undefined, env: CteEnv | undefined): Shape {
    this.options.deadline.check();
    const scope = newScope(parent);
    const fromItems = listOf(select['from']).flatMap((item): AstNode[] => {
      const node = nodeOf(item);
      return node === undefined ? [] : [node];
    });
    for (const item of fromItems) {
      scope.relations.push(this.relationOf(item, scope, env));
      for (const name of listOf(item['using'])) {
        const text = identifierOf(name);
        if (text !== undefined) scope.using.add(text.toLowerCase());
      }
    }
    const columns: ShapeColumn[] = [];
    const passThrough: string[][] = [];
    const named = new Map<string, ColumnOrigin>();
    for (const raw of listOf(select['columns'])) {
      const item = this.selectItemOf(raw);
      if (item === undefined) continue;
      const star = this.starOf(item);
      if (star !== undefined) {
        const expansion = expandStar(scope, star.qualifier);
        columns.push(...expansion.columns);
        passThrough.push(...expansion.passThrough);
        expansion.problems.forEach((problem) => this.options.report(problem));
        continue;
      }
      const column = this.selectColumn(item, scope, env);
      columns.push(column);
      if (column.name === undefined) continue;
      named.set(column.name.toLowerCase(), column);
      if (this.options.lateralAliases) scope.aliases.set(column.name.toLowerCase(), column);
    }
    for (const [name, origin] of named) scope.aliases.set(name, origin);
    this.collectFilters(select, fromItems, scope, env);
    return { columns, passThrough };
  }

  private collectFilters(
    select: AstNode,
    fromItems: readonly AstNode[],
    scope: Scope,
    env: CteEnv | undefined,
  ): void {
    const clauses = [
      ...fromItems.map((item) => item['on']),
      select['where'],
      select['groupby'],
      select['having'],
      select['qualify'],
    ];
    for (const clause of clauses) {
      if (clause === null || clause === undefined) continue;
      this.filters.addAll(this.originOf(clause, scope, env, true).sources);
    }
  }

  private selectItemOf(raw: unknown): SelectItem | undefined {
    const node = nodeOf(raw);
    if (node === undefined) return undefined;
    const alias = identifierOf(node['as']);
    const expr = node['expr'];
    const assignment = nodeOf(expr);
    if (alias === undefined && this.options.assignmentAliases && assignment?.['type'] === 'binary_expr') {
      // T-SQL `SELECT Total = a + b`: the parser sees a comparison.
      const target = nodeOf(assignment['left']);
      const ref = target && columnRefOf(target);
      if (assignment['operator'] === '=' && ref !== undefined && ref.qualifier.length === 0)
        return { expr: assignment['right'], alias: ref.column };
    }
    return { expr, alias };
  }

  private starOf(item: SelectItem): ColumnRef | undefined {
    const node = nodeOf(item.expr);
    const ref = node && columnRefOf(node);
    return ref !== undefined && isStar(ref) ? ref : undefined;
  }

  private selectColumn(item: SelectItem, scope: Scope, env: CteEnv | undefined): ShapeColumn {
    const origin = this.originOf(item.expr, scope, env, false);
    const name = item.alias ?? this.unaliasedName(item.expr);
    const transformation: SqlColumnTransformation =
      origin.plainColumn !== undefined
        ? asColumnNamed(name, origin)
        : strongest('derived', origin.transformation);
    return { name, sources: origin.sources, transformation };
  }

  /** The name the engine gives an item without an alias: a column keeps its name; an expression's is the engine's choice. */
  private unaliasedName(expr: unknown): string | undefined {
    const node = nodeOf(expr);
    if (node === undefined) return undefined;
    const ref = columnRefOf(node);
    if (ref !== undefined) return ref.fields[ref.fields.length - 1] ?? ref.column;
    if (this.options.doubleQuotedIdentifiers && node['type'] === 'double_quote_string')
      return identifierOf(node);
    return undefined;
  }

  private relationOf(item: AstNode, scope: Scope, env: CteEnv | undefined): Relation {
    const { alias, columns } = aliasOf(item);
    const subquery = selectOf(item['expr']);
    if (subquery !== undefined) {
      const shape = this.renamed(this.shapeOfQuery(subquery, scope, env), columns, alias ?? 'a subquery');
      return { kind: 'derived', alias, name: alias ?? '(subquery)', shape };
    }
    const expr = nodeOf(item['expr']);
    if (expr?.['type'] === 'values') {
      const names = columns ?? [];
      const shape: Shape = {
        columns: names.map((name) => ({ name, sources: [], transformation: 'derived' })),
        passThrough: [],
      };
      return { kind: 'derived', alias, name: alias ?? 'VALUES', shape };
    }
    const path = expr === undefined ? tablePathOf(item) : undefined;
    if (path === undefined) return this.computedRelation(item, alias, scope, env);
    return this.namedRelation(path, alias, columns, env);
  }

  /** A table function (`FLATTEN(…)`, `UNNEST(…)`, `dbo.fn(…)`): its columns come from what its arguments read. */
  private computedRelation(
    item: AstNode,
    alias: string | undefined,
    scope: Scope,
    env: CteEnv | undefined,
  ): Relation {
    const expr = nodeOf(item['expr']) ?? item;
    const origin = this.originOf(expr, scope, env, true);
    const name = alias ?? functionNameOf(nodeOf(expr['expr']) ?? expr) ?? 'a table function';
    return {
      kind: 'computed',
      alias,
      name,
      origin: { sources: origin.sources, transformation: 'derived' },
    };
  }

  private namedRelation(
    path: string[],
    alias: string | undefined,
    columns: string[] | undefined,
    env: CteEnv | undefined,
  ): Relation {
    const [single] = path;
    if (path.length === 1 && single !== undefined) {
      const cte = findCte(env, single);
      if (cte !== undefined) {
        const shape = this.renamed(this.shapeOfCte(cte), columns, cte.name);
        return { kind: 'derived', alias, name: cte.name, shape };
      }
      if (single.startsWith('#') || single.startsWith('@')) return this.tempRelation(single, alias);
    }
    return { kind: 'table', alias, path, known: this.options.knownColumns?.(path) };
  }

  private tempRelation(name: string, alias: string | undefined): Relation {
    const shape = this.tempTables.get(name.toLowerCase());
    if (shape !== undefined) return { kind: 'derived', alias, name, shape };
    this.options.report(
      `The columns of ${name} are unknown: it is filled by a statement other than SELECT … INTO in this query, or elsewhere.`,
    );
    return { kind: 'computed', alias, name, origin: { sources: [], transformation: 'derived' } };
  }

  private shapeOfCte(cte: CteDefinition): Shape {
    if (cte.shape !== undefined) return cte.shape;
    // A recursive CTE's reference to itself: its columns are those of the anchor branch, already read.
    if (cte.computing === true) return cte.anchor ?? { columns: [], passThrough: [] };
    this.readEarlierCtes(cte);
    return this.computeCte(cte);
  }

  /**
   * The CTEs before `cte` in its WITH that it reads (directly or through each other), read first
   * and in order, so that a chain of a thousand CTEs is not followed by a thousand nested calls.
   */
  private readEarlierCtes(cte: CteDefinition): void {
    const siblings = cte.env?.ordered ?? [];
    const needed = tableNamesIn(cte.select);
    const chain: CteDefinition[] = [];
    for (let position = cte.position - 1; position >= 0; position -= 1) {
      const sibling = siblings[position];
      if (sibling === undefined || sibling.shape !== undefined || !needed.has(sibling.name.toLowerCase()))
        continue;
      chain.push(sibling);
      for (const name of tableNamesIn(sibling.select)) needed.add(name);
    }
    for (let index = chain.length - 1; index >= 0; index -= 1) {
      const sibling = chain[index];
      if (sibling !== undefined && sibling.shape === undefined) this.computeCte(sibling);
    }
  }

  private computeCte(cte: CteDefinition): Shape {
    if (cte.shape !== undefined) return cte.shape;
    cte.computing = true;
    try {
      if (tableNamesIn(cte.select).has(cte.name.toLowerCase())) {
        // WITH RECURSIVE: the recursive branch reads the columns of the anchor (the first branch).
        const anchor = { ...cte.select, _next: undefined, set_op: undefined };
        cte.anchor = this.renamed(this.shapeOfQuery(anchor, undefined, cte.env), cte.columnNames, cte.name);
      }
      cte.shape = this.renamed(this.shapeOfQuery(cte.select, undefined, cte.env), cte.columnNames, cte.name);
      return cte.shape;
    } finally {
      cte.computing = false;
    }
  }

  /** `AS v(a, b)` / `WITH c(a, b)`: the columns renamed by position. */
  private renamed(shape: Shape, names: string[] | undefined, what: string): Shape {
    if (names === undefined) return shape;
    if (shape.passThrough.length > 0) {
      this.options.report(
        `The column names given to ${what} cannot be matched by position: it passes through a * of unknown columns.`,
      );
      return shape;
    }
    return {
      columns: shape.columns.map((column, position) => {
        const name = names[position];
        return name === undefined ? column : { ...column, name, transformation: asColumnNamed(name, column) };
      }),
      passThrough: [],
    };
  }

  /**
   * Every column an expression reads, resolved to its warehouse columns, without recursion over the
   * expression (long AND/OR chains nest deeply); subqueries in it are read as queries.
   */
  private originOf(expr: unknown, scope: Scope, env: CteEnv | undefined, quiet: boolean): ExpressionOrigin {
    const sources = new SourceList();
    let transformation: SqlColumnTransformation = 'identity';
    const absorb = (origin: ColumnOrigin): void => {
      sources.addAll(origin.sources);
      transformation = strongest(transformation, origin.transformation);
    };
    const resolve = (ref: ColumnRef): void => {
      const resolution = resolveColumn(scope, ref);
      if ('origin' in resolution) absorb(resolution.origin);
      else if (!quiet) this.options.report(resolution.problem);
    };
    const pending: unknown[] = [expr];
    const later = (children: readonly unknown[]): void => {
      // Reversed, so that sources come out in the order they are written.
      for (let index = children.length - 1; index >= 0; index -= 1) pending.push(children[index]);
    };
    while (pending.length > 0) {
      this.options.deadline.check();
      const value = pending.pop();
      if (Array.isArray(value)) {
        later(value);
        continue;
      }
      const node = nodeOf(value);
      if (node === undefined) continue;
      const ref = columnRefOf(node);
      if (ref !== undefined) {
        if (!isStar(ref)) resolve(ref);
        continue;
      }
      if (node['type'] === 'double_quote_string' && this.options.doubleQuotedIdentifiers) {
        const name = identifierOf(node);
        if (name !== undefined) resolve({ qualifier: [], column: name, fields: [] });
        continue;
      }
      const subquery = selectOf(node);
      if (subquery !== undefined) {
        for (const column of this.shapeOfQuery(subquery, scope, env).columns) absorb(column);
        continue;
      }
      if (this.isAggregate(node)) transformation = 'aggregated';
      later(this.childrenOf(node));
    }
    const plain = nodeOf(withoutCasts(expr));
    const plainRef = plain && columnRefOf(plain);
    const plainColumn =
      (plainRef?.fields.length === 0 ? plainRef.column : undefined) ??
      (plain?.['type'] === 'double_quote_string' && this.options.doubleQuotedIdentifiers
        ? identifierOf(plain)
        : undefined);
    return { sources: sources.items, transformation, plainColumn };
  }

  private isAggregate(node: AstNode): boolean {
    if (node['type'] === 'aggr_func') return true;
    if (node['type'] !== 'function') return false;
    const name = functionNameOf(node);
    return name !== undefined && AGGREGATE_FUNCTIONS.has(name);
  }

  /** A node's children to read; the date part keyword of `DATEADD(day, …)` is no column. */
  private childrenOf(node: AstNode): unknown[] {
    const name = node['type'] === 'function' ? functionNameOf(node) : undefined;
    if (name === undefined || !DATE_PART_FUNCTIONS.has(name)) return Object.values(node);
    const args = listOf(nodeOf(node['args'])?.['value']).filter((arg) => !isDatePartKeyword(arg));
    return [...args, node['over']];
  }
}
