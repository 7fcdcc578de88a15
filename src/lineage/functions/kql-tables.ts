/**
 * The source tables of a KQL (Kusto Query Language) query, read from its tokens in one linear pass
 * without recursion. No KQL parser exists for JavaScript; this reads only what lineage needs:
 * where a tabular expression starts (a statement, `let x =`, the operands of `union`, the right side
 * of `join`/`lookup`, `materialize(…)`, `toscalar(…)`, `in (…)`), and what names a table there:
 * `T`, `['My Table']`, `database("db").T`, `cluster("c").database("db").T`, `table("T")`.
 * Names bound by `let`, `as` or a parameter list are not tables. Whatever it cannot name (a stored
 * function call, `search`, a wildcard union, a management command) comes back as a gap, never as a
 * guessed table. Comments and string literals are skipped by the tokenizer.
 * https://learn.microsoft.com/kusto/query/tabular-expression-statements
 */

export interface KqlTable {
  /** Set when the query names another cluster: `cluster("c").database("db").T`. */
  cluster?: string;
  /** Set when the query names a database: `database("db").T`. */
  database?: string;
  table: string;
}

/** Something the scan could not turn into tables: a function call, or a construct it does not read. */
export type KqlGap = { kind: 'function'; name: string } | { kind: 'unread'; what: string };

export interface KqlScan {
  tables: KqlTable[];
  gaps: KqlGap[];
}

type TokenType = 'name' | 'string' | 'number' | 'punct';

interface Token {
  type: TokenType;
  /** The identifier, the decoded string value, the number as written, or the punctuation character. */
  text: string;
  start: number;
  end: number;
}

const NAME = /[\p{L}_$][\p{L}\p{N}_$]*/uy;
const NUMBER = /[0-9][\w.]*/y;

function isQuote(char: string | undefined): boolean {
  return char === '"' || char === "'";
}

/** Length of a string-literal prefix at `at` (`h`, `@`, `h@`), or -1 when no string starts there. */
function stringPrefixLength(text: string, at: number): number {
  let length = 0;
  if (text[at] === 'h' || text[at] === 'H') length = 1;
  if (text[at + length] === '@') length += 1;
  return isQuote(text[at + length]) ? length : -1;
}

/** Reads a quoted literal from its opening quote; returns the decoded value and where it ends. */
function readQuoted(text: string, open: number, verbatim: boolean): { value: string; end: number } {
  const quote = text[open];
  let value = '';
  let at = open + 1;
  while (at < text.length && text[at] !== quote) {
    if (!verbatim && text[at] === '\\' && at + 1 < text.length) {
      const escaped = text[at + 1] ?? '';
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
      at += 2;
    } else {
      value += text[at];
      at += 1;
    }
  }
  return { value, end: Math.min(at + 1, text.length) };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const char = text[at] ?? '';
    if (/\s/.test(char)) {
      at += 1;
    } else if (char === '/' && text[at + 1] === '/') {
      const newline = text.indexOf('\n', at);
      at = newline === -1 ? text.length : newline + 1;
    } else if (text.startsWith('```', at)) {
      const close = text.indexOf('```', at + 3);
      const end = close === -1 ? text.length : close + 3;
      tokens.push({ type: 'string', text: text.slice(at + 3, close === -1 ? end : close), start: at, end });
      at = end;
    } else if (stringPrefixLength(text, at) >= 0) {
      const prefix = stringPrefixLength(text, at);
      const { value, end } = readQuoted(text, at + prefix, text[at + prefix - 1] === '@');
      tokens.push({ type: 'string', text: value, start: at, end });
      at = end;
    } else {
      at = pushWordOrPunct(text, at, tokens);
    }
  }
  return tokens;
}

function pushWordOrPunct(text: string, at: number, tokens: Token[]): number {
  for (const [pattern, type] of [
    [NAME, 'name'],
    [NUMBER, 'number'],
  ] as const) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match !== null) {
      tokens.push({ type, text: match[0], start: at, end: at + match[0].length });
      return at + match[0].length;
    }
  }
  tokens.push({ type: 'punct', text: text[at] ?? '', start: at, end: at + 1 });
  return at + 1;
}

function isPunct(token: Token | undefined, char: string): boolean {
  return token?.type === 'punct' && token.text === char;
}

function isName(token: Token | undefined, name?: string): boolean {
  return token?.type === 'name' && (name === undefined || token.text === name);
}

/** Skips operator options such as `kind=inner`, `hint.strategy=broadcast`, `withsource=T`. */
function skipOptions(tokens: readonly Token[], from: number): number {
  let at = from;
  for (;;) {
    if (!isName(tokens[at])) return at;
    let next = at + 1;
    while (isPunct(tokens[next], '.') && isName(tokens[next + 1])) next += 2;
    if (!isPunct(tokens[next], '=') || isPunct(tokens[next + 1], '=')) return at;
    at = next + 2;
  }
}

/** Names that are not tables: `let` names, parameters and typed columns (`x:int`), `as` names. */
function boundNames(tokens: readonly Token[]): Set<string> {
  const bound = new Set<string>();
  tokens.forEach((token, index) => {
    const next = tokens[index + 1];
    if (isName(token, 'let') && next?.type === 'name') bound.add(next.text);
    if (token.type === 'name' && isPunct(next, ':')) bound.add(token.text);
    if (isPunct(token, '|') && isName(next, 'as')) {
      const named = tokens[skipOptions(tokens, index + 2)];
      if (named?.type === 'name') bound.add(named.text);
    }
  });
  return bound;
}

/**
 * How a source position is read. `strict`: a tabular expression must start here (a query statement,
 * an operand of union/join/lookup); an unknown function call is a gap. `lenient`: it may be a scalar
 * (`let x = ago(1d)`, a function body), so a call is a gap only when a pipe follows it. `inList`:
 * the parentheses after `in`, which hold a table only as `in (T)` or `in (T | …)`.
 */
type Mode = 'strict' | 'lenient' | 'inList';

interface Frame {
  /** Set for the root and `{…}` bodies: after `;` a new statement starts, read in this mode. */
  readonly block: Mode | null;
  /** Inside a `union` operand list: a `,` starts another operand. */
  union: boolean;
  /** An unknown function called in lenient mode: a gap if a pipe follows its closing parenthesis. */
  readonly pendingCall?: string;
}

/** Keywords that start a tabular expression reading no table (or that are statements). */
const NO_TABLE = new Set([
  'print',
  'range',
  'datatable',
  'let',
  'set',
  'declare',
  'alias',
  'restrict',
  'pattern',
  'view',
  'true',
  'false',
]);
/** Sources whose tables this scan does not read. */
const UNREAD = new Set(['search', 'find', 'evaluate', 'externaldata', 'external_data']);
/** Functions whose argument is a tabular expression. */
const WRAPPERS = new Set(['materialize', 'toscalar']);
/** Functions naming one entity of the database by a string: `table("T")`. */
const ENTITY_FUNCTIONS = new Set(['table', 'external_table', 'materialized_view']);

class SourceReader {
  private at = 0;
  private expect: Mode | null = 'strict';
  private readonly frames: Frame[] = [{ block: 'strict', union: false }];
  private readonly tables = new Map<string, KqlTable>();
  private readonly gaps = new Map<string, KqlGap>();
  /** `let` name -> unknown function its value was read from (`let x = F();`). */
  private readonly letCalls = new Map<string, string>();
  private currentLet: string | undefined;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly bound: ReadonlySet<string>,
  ) {}

  read(): KqlScan {
    while (this.at < this.tokens.length) {
      const mode = this.expect;
      this.expect = null;
      if (mode === null) this.step();
      else this.source(mode);
    }
    return { tables: [...this.tables.values()], gaps: [...this.gaps.values()] };
  }

  private get frame(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  private token(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private addTable(table: string, database?: string, cluster?: string): void {
    const entry: KqlTable = { table };
    if (database !== undefined) entry.database = database;
    if (cluster !== undefined) entry.cluster = cluster;
    this.tables.set(`${cluster ?? ''}\n${database ?? ''}\n${table}`.toLowerCase(), entry);
  }

  private addGap(gap: KqlGap): void {
    this.gaps.set(gap.kind === 'function' ? `f:${gap.name}` : `u:${gap.what}`, gap);
  }

  private open(frame: Frame): void {
    this.frames.push(frame);
  }

  /** One token outside a source position: brackets, statements and the operators that start one. */
  private step(): void {
    const token = this.token() as Token;
    if (token.type === 'name') {
      this.nameStep(token);
      return;
    }
    this.at += 1;
    if (token.type !== 'punct') return;
    switch (token.text) {
      case '(':
      case '[':
        this.open({ block: null, union: false });
        break;
      case '{':
        this.openBrace();
        break;
      case ')':
      case ']':
      case '}':
        this.close();
        break;
      case ';':
        this.frame.union = false;
        this.currentLet = undefined;
        this.expect = this.frame.block;
        break;
      case ',':
        if (this.frame.union) this.expect = 'strict';
        break;
      case '|':
        this.frame.union = false;
        this.afterPipe();
        break;
    }
  }

  /** `{` right after `)` is a function or view body (`(x:int) { … }`); any other is data. */
  private openBrace(): void {
    const body = isPunct(this.tokens[this.at - 2], ')');
    this.open({ block: body ? 'lenient' : null, union: false });
    if (body) this.expect = 'lenient';
  }

  private close(): void {
    if (this.frames.length === 1) return;
    const closed = this.frames.pop() as Frame;
    if (closed.pendingCall !== undefined && isPunct(this.token(), '|'))
      this.addGap({ kind: 'function', name: closed.pendingCall });
  }

  private nameStep(token: Token): void {
    const next = this.token(1);
    if (token.text === 'let' && isName(next) && isPunct(this.token(2), '=')) {
      this.currentLet = next?.text;
      this.at += 3;
      this.expect = 'lenient';
    } else if (WRAPPERS.has(token.text) && isPunct(next, '(')) {
      this.at += 2;
      this.open({ block: null, union: false });
      this.expect = 'strict';
    } else if (
      token.text === 'in' &&
      (isPunct(next, '(') || (isPunct(next, '~') && isPunct(this.token(2), '(')))
    ) {
      this.at += isPunct(next, '(') ? 2 : 3;
      this.open({ block: null, union: false });
      this.expect = 'inList';
    } else {
      this.at += 1;
    }
  }

  /** After `|`: `join`/`lookup`/`union` (with their options) take a source; `invoke` calls a function. */
  private afterPipe(): void {
    const operator = this.token();
    if (!isName(operator)) return;
    const name = operator?.text ?? '';
    if (name === 'join' || name === 'lookup' || name === 'union') {
      this.at = skipOptions(this.tokens, this.at + 1);
      if (name === 'union') this.frame.union = true;
      this.expect = 'strict';
    } else if (name === 'invoke') {
      const called = this.token(1);
      if (isName(called) && !this.bound.has(called?.text ?? ''))
        this.addGap({ kind: 'function', name: called?.text ?? '' });
    }
  }

  /** The token(s) at a source position. Advances past what it reads; the rest goes back to `step`. */
  private source(mode: Mode): void {
    const token = this.token() as Token;
    if (isPunct(token, '(')) {
      this.at += 1;
      this.open({ block: null, union: false });
      this.expect = mode;
    } else if (isPunct(token, '[')) {
      this.quotedName(mode);
    } else if (token.type === 'name') {
      this.nameSource(token, mode);
    } else if (mode === 'strict') {
      const statementStart = this.at === 0 || isPunct(this.token(-1), ';');
      const command = isPunct(token, '.') && statementStart && this.frames.length === 1;
      this.addGap({ kind: 'unread', what: command ? 'a management command' : `the text "${token.text}"` });
    }
  }

  /** `['My Table']` / `["x"]` at a source position. */
  private quotedName(mode: Mode): void {
    const name = this.token(1);
    if (name?.type !== 'string' || !isPunct(this.token(2), ']')) return;
    if (mode === 'inList' && !this.endsInList(3)) return;
    this.addTable(name.text);
    this.at += 3;
  }

  private endsInList(offset: number): boolean {
    return isPunct(this.token(offset), '|') || isPunct(this.token(offset), ')');
  }

  private nameSource(token: Token, mode: Mode): void {
    const name = token.text;
    const next = this.token(1);
    if ((name === 'database' || name === 'cluster') && isPunct(next, '(')) {
      this.entityPath(mode);
    } else if (name === 'union') {
      this.at = skipOptions(this.tokens, this.at + 1);
      this.frame.union = true;
      this.expect = 'strict';
    } else if (NO_TABLE.has(name)) {
      return;
    } else if (UNREAD.has(name)) {
      if (mode !== 'inList') this.addGap({ kind: 'unread', what: `"${name}"` });
      this.at += 1;
    } else if (isPunct(next, '(')) {
      this.call(name, mode);
    } else if (isPunct(next, '*') && next?.start === token.end) {
      this.addGap({ kind: 'unread', what: `the wildcard "${name}*"` });
      this.at += 2;
    } else {
      this.plainName(name, mode);
    }
  }

  private plainName(name: string, mode: Mode): void {
    if (mode === 'inList' && !this.endsInList(1)) return;
    this.at += 1;
    if (!this.bound.has(name)) this.addTable(name);
    else if (mode === 'strict' && this.letCalls.has(name))
      this.addGap({ kind: 'function', name: this.letCalls.get(name) ?? name });
  }

  /** `F(…)` at a source position: a wrapper, `table("T")`, a `let` function, or an unknown function. */
  private call(name: string, mode: Mode): void {
    if (WRAPPERS.has(name)) {
      this.at += 2;
      this.open({ block: null, union: false });
      this.expect = 'strict';
      return;
    }
    const argument = this.token(2);
    if (ENTITY_FUNCTIONS.has(name) && argument?.type === 'string') {
      this.addTable(argument.text);
      this.at += 1;
      return;
    }
    if (this.bound.has(name) || mode === 'inList') {
      this.at += 1;
      return;
    }
    if (mode === 'strict') {
      this.addGap({ kind: 'function', name });
      this.at += 1;
      return;
    }
    if (this.currentLet !== undefined) this.letCalls.set(this.currentLet, name);
    this.at += 2;
    this.open({ block: null, union: false, pendingCall: name });
  }

  /** `database("db").T`, `cluster("c").database("db").T`, `database("db").['T']`. */
  private entityPath(mode: Mode): void {
    let offset = 0;
    const part = (fn: string): string | undefined => {
      const value = this.token(offset + 2);
      const shaped =
        isName(this.token(offset), fn) &&
        isPunct(this.token(offset + 1), '(') &&
        value?.type === 'string' &&
        isPunct(this.token(offset + 3), ')') &&
        isPunct(this.token(offset + 4), '.');
      if (!shaped) return undefined;
      offset += 5;
      return value.text;
    };
    const cluster = part('cluster');
    const database = part('database');
    const entity = this.entityName(offset);
    if (database === undefined || entity === undefined) {
      this.addGap({ kind: 'unread', what: 'a cluster()/database() reference' });
      this.at += 1;
      return;
    }
    this.at += offset + entity.length;
    if (entity.call) this.addGap({ kind: 'function', name: `database("${database}").${entity.name}` });
    else if (mode !== 'inList' || this.endsInList(0)) this.addTable(entity.name, database, cluster);
  }

  private entityName(offset: number): { name: string; length: number; call: boolean } | undefined {
    const token = this.token(offset);
    if (token?.type === 'name')
      return { name: token.text, length: 1, call: isPunct(this.token(offset + 1), '(') };
    const quoted = this.token(offset + 1);
    if (isPunct(token, '[') && quoted?.type === 'string' && isPunct(this.token(offset + 2), ']'))
      return { name: quoted.text, length: 3, call: false };
    return undefined;
  }
}

/** The tables a KQL query reads (deduplicated, in order of appearance) and what it could not read. */
export function kqlSourceTables(query: string): KqlScan {
  const tokens = tokenize(query);
  return new SourceReader(tokens, boundNames(tokens)).read();
}
