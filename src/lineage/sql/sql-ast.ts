/**
 * Reading node-sql-parser's AST for column lineage. Its shape differs by dialect: a column name is
 * a string or `{expr: {type, value}}`, a subquery is a `select` node or `{tableList, columnList,
 * ast}` around one, a three-part table name is `db.schema.table` or `catalog`+`schema`+`table`.
 * These helpers hide that; nothing here knows about lineage.
 */

export type AstNode = Record<string, unknown>;

export function nodeOf(value: unknown): AstNode | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as AstNode)
    : undefined;
}

export function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** An identifier or alias as written, unquoted: `'a'`, `{value: 'a'}`, `{expr: {type: 'default', value: 'a'}}`. */
export function identifierOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  const node = nodeOf(value);
  if (node === undefined) return undefined;
  if (typeof node['value'] === 'string') return node['value'] === '' ? undefined : node['value'];
  return node['expr'] === undefined ? undefined : identifierOf(node['expr']);
}

/** The `select` node of a subquery: the node itself, or the `ast` of a parse result wrapped around it. */
export function selectOf(value: unknown): AstNode | undefined {
  const node = nodeOf(value);
  if (node === undefined) return undefined;
  if (node['type'] === 'select') return node;
  const inner = nodeOf(node['ast']);
  return inner?.['type'] === 'select' ? inner : undefined;
}

export interface SetBranch {
  readonly select: AstNode;
  /** How this branch joins the ones before it (`union all`, `except`, …); undefined for the first. */
  readonly operator: string | undefined;
}

/** `a UNION b EXCEPT c`: node-sql-parser chains the branches through `_next`, the operator on the node before. */
export function setBranchesOf(select: AstNode): SetBranch[] {
  const branches: SetBranch[] = [{ select, operator: undefined }];
  for (let node = select; ;) {
    const next = selectOf(node['_next']);
    if (next === undefined) return branches;
    const operator = typeof node['set_op'] === 'string' ? node['set_op'].toLowerCase() : 'union';
    branches.push({ select: next, operator });
    node = next;
  }
}

export interface ColumnRef {
  /** The qualifier as written: `[]`, `['t']`, `['dbo', 't']`, `['db', 'dbo', 't']`. */
  readonly qualifier: string[];
  /** The column name, or `*`. */
  readonly column: string;
  /** Fields of a struct column read after it (BigQuery `t.col.field`). */
  readonly fields: string[];
}

export function columnRefOf(node: AstNode): ColumnRef | undefined {
  if (node['type'] !== 'column_ref') return undefined;
  const column = identifierOf(node['column']);
  if (column === undefined) return undefined;
  const qualifier = [node['db'], node['schema'], node['table']]
    .map(identifierOf)
    .filter((part): part is string => part !== undefined);
  const fields = listOf(node['subFields'])
    .map(identifierOf)
    .filter((part): part is string => part !== undefined);
  return { qualifier, column, fields };
}

/**
 * The path of a table in FROM as written, unquoted, split on dots like native-sql.ts splits the
 * parser's table list (BigQuery's backticked `p.d.t` is one name to the parser).
 */
export function tablePathOf(item: AstNode): string[] | undefined {
  const table = identifierOf(item['table']);
  if (table === undefined) return undefined;
  const database = identifierOf(item['db']) ?? identifierOf(item['catalog']);
  const parts = [identifierOf(item['server']), database, identifierOf(item['schema']), table];
  return parts.flatMap((part) => (part === undefined ? [] : part.split('.'))).filter((part) => part !== '');
}

export interface AliasWithColumns {
  readonly alias: string | undefined;
  /** `AS v(a, b)`: the column names given with the alias. */
  readonly columns: string[] | undefined;
}

/** node-sql-parser keeps `AS v(n, s)` of a VALUES list as one string. */
const ALIAS_WITH_COLUMNS = /^\s*([^(]+?)\s*\((.*)\)\s*$/s;

export function aliasOf(item: AstNode): AliasWithColumns {
  const alias = identifierOf(item['as']);
  if (alias === undefined) return { alias: undefined, columns: undefined };
  const match = ALIAS_WITH_COLUMNS.exec(alias);
  if (match === null) return { alias, columns: undefined };
  const columns = (match[2] ?? '').split(',').map((name) => unquoted(name.trim()));
  return { alias: unquoted(match[1] ?? ''), columns };
}

function unquoted(name: string): string {
  const first = name[0];
  const last = name[name.length - 1];
  const quoted =
    (first === '"' && last === '"') || (first === '[' && last === ']') || (first === '`' && last === '`');
  return quoted && name.length >= 2 ? name.slice(1, -1) : name;
}

/** `SUM`, `dbo.fn`: the (last part of the) name of a function or aggregate node, lower-cased. */
export function functionNameOf(node: AstNode): string | undefined {
  const name = node['name'];
  if (typeof name === 'string') return name.toLowerCase();
  const parts = listOf(nodeOf(name)?.['name']);
  const last = identifierOf(parts[parts.length - 1]);
  return last?.toLowerCase();
}

/** The write target of `SELECT … INTO #t`, if any. */
export function intoTargetOf(select: AstNode): string | undefined {
  const into = nodeOf(select['into']);
  if (into === undefined) return undefined;
  const target = into['expr'];
  if (typeof target === 'string') return target;
  const node = nodeOf(target);
  if (node === undefined) return undefined;
  return identifierOf(node['table']) ?? identifierOf(node);
}

/** The statements of a parse result (one or several). */
export function statementsOf(ast: unknown): AstNode[] {
  return (Array.isArray(ast) ? ast : [ast]).flatMap((item) => {
    const node = nodeOf(item);
    return node === undefined ? [] : [node];
  });
}
