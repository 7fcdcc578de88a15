/**
 * The fallback for native SQL that no dialect of the SQL parser accepts: a scan of the tokens for
 * the names after FROM, JOIN, APPLY, MERGE's USING and the commas of a FROM list. Derived tables,
 * table functions (`name(`), CTE names, temp tables and the write target of UPDATE/DELETE are left
 * out, like the parser path does; names are never read out of string literals or comments.
 *
 * The same walk finds the spots where a small rewrite lets the parser accept T-SQL it rejects
 * (rewriteForParser): a parse is better than a scan, so that is tried first.
 */
import { namingOf } from '../qualified-name.js';
import { tokenizeSql, type SqlToken } from './sql-tokens.js';

export interface TokenScan {
  /** Candidate table names as dot paths, unquoted, before the filters the parser path applies too. */
  readonly paths: string[][];
  /** Names given to WITH (CTEs), lower-cased. */
  readonly cteNames: Set<string>;
  /** Stored procedure names after EXEC/EXECUTE/CALL, as parts. */
  readonly procedures: string[][];
}

/** Words that end a FROM list (so a later comma is no longer a table separator). */
const CLAUSE_ENDS = new Set(
  (
    'WHERE GROUP ORDER HAVING QUALIFY WINDOW LIMIT OFFSET FETCH UNION EXCEPT INTERSECT MINUS INTO VALUES ' +
    'SET FOR OPTION RETURNING CONNECT START GO DECLARE IF ELSE BEGIN EXEC EXECUTE CALL CREATE DROP ALTER ' +
    'TRUNCATE USE PRINT RETURN WHILE RAISERROR THROW'
  ).split(' '),
);

/** Words that cannot start a table name without quotes. */
const RESERVED = new Set(
  (
    'SELECT FROM WHERE GROUP ORDER HAVING JOIN INNER LEFT RIGHT FULL OUTER CROSS NATURAL ON USING UNION ' +
    'EXCEPT INTERSECT MINUS LIMIT OFFSET FETCH QUALIFY WINDOW WITH AS SET VALUES INTO INSERT UPDATE DELETE ' +
    'MERGE WHEN THEN ELSE END CASE AND OR NOT NULL IS IN EXISTS BY LATERAL ONLY TABLE UNNEST APPLY OPTION ' +
    'FOR PIVOT UNPIVOT DECLARE BEGIN IF EXEC EXECUTE CALL RETURNING GO USE TOP DISTINCT ALL'
  ).split(' '),
);

/** T-SQL table hints: `FROM t (NOLOCK)` is a table with a hint, not a table function. */
const TABLE_HINTS = new Set(
  (
    'NOLOCK READUNCOMMITTED READCOMMITTED READCOMMITTEDLOCK REPEATABLEREAD SERIALIZABLE HOLDLOCK UPDLOCK ' +
    'XLOCK TABLOCK TABLOCKX PAGLOCK ROWLOCK NOWAIT READPAST SNAPSHOT NOEXPAND FORCESEEK FORCESCAN INDEX ' +
    'KEEPIDENTITY KEEPDEFAULTS IGNORE_CONSTRAINTS IGNORE_TRIGGERS'
  ).split(' '),
);

/** T-SQL join hints (`INNER HASH JOIN`), which the parser rejects. */
const JOIN_HINTS = new Set(['HASH', 'LOOP', 'MERGE', 'REMOTE']);

const STATEMENTS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** The state of one parenthesis level. */
interface Frame {
  /** The statement this level is in (SELECT, UPDATE, …), if any: FROM in `EXTRACT(YEAR FROM d)` is not a table. */
  statement: string | undefined;
  /** The parenthesis stands where a table goes: `FROM (a JOIN b ON …)` or a derived table. */
  tableRef: boolean;
  inFromList: boolean;
  expectTable: boolean;
  /** UPDATE/DELETE: the first table after FROM is the write target. */
  targetPending: boolean;
  targetTaken: boolean;
  cteList: boolean;
  expectCteName: boolean;
}

function frame(statement?: string, tableRef = false): Frame {
  return {
    statement,
    tableRef,
    inFromList: tableRef,
    expectTable: tableRef,
    targetPending: false,
    targetTaken: false,
    cteList: false,
    expectCteName: false,
  };
}

/** A text edit for the parser: replace [start, end) with `text`. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

function upper(token: SqlToken | undefined): string {
  return token?.kind === 'word' ? token.text.toUpperCase() : '';
}

function isPunct(token: SqlToken | undefined, mark: string): boolean {
  return token?.kind === 'punct' && token.text === mark;
}

function isNamePart(token: SqlToken | undefined): boolean {
  return token?.kind === 'word' || token?.kind === 'quoted' || token?.kind === 'variable';
}

function matchParentheses(tokens: readonly SqlToken[]): Int32Array {
  const closers = new Int32Array(tokens.length).fill(-1);
  const open: number[] = [];
  tokens.forEach((token, index) => {
    if (isPunct(token, '(')) open.push(index);
    else if (isPunct(token, ')')) {
      const from = open.pop();
      if (from !== undefined) closers[from] = index;
    }
  });
  return closers;
}

class Scanner {
  readonly paths: string[][] = [];
  readonly cteNames = new Set<string>();
  readonly procedures: string[][] = [];
  readonly edits: Edit[] = [];
  private readonly frames: Frame[] = [frame()];
  /** What `a..b` leaves out: the platform's default schema (3-part names), nothing (2-part names). */
  private readonly emptyPart: string | undefined;
  /** For each `(`, the index of its `)` (-1: never closed), so that look-aheads stay linear. */
  private readonly closers: Int32Array;

  constructor(
    private readonly tokens: readonly SqlToken[],
    platform: string,
  ) {
    this.closers = matchParentheses(tokens);
    const naming = namingOf(platform);
    this.emptyPart = naming.levels.length === 2 ? undefined : (naming.defaultSchema ?? 'dbo');
  }

  private get top(): Frame {
    return this.frames[this.frames.length - 1] ?? frame();
  }

  run(): this {
    let at = 0;
    while (at < this.tokens.length) at = this.step(at);
    return this;
  }

  /** Handles the token at `at`; returns the index of the next one to look at. */
  private step(at: number): number {
    const token = this.tokens[at];
    if (token === undefined) return at + 1;
    const current = this.top;
    if (token.kind === 'punct') return this.punct(token, at, current);
    if (current.expectCteName && isNamePart(token)) return this.cteName(at, current);
    if (token.kind === 'word') {
      const handled = this.keyword(token.text.toUpperCase(), at, current);
      if (handled !== undefined) return handled;
    }
    if (current.expectTable && isNamePart(token)) return this.tableName(at, current);
    return at + 1;
  }

  private punct(token: SqlToken, at: number, current: Frame): number {
    switch (token.text) {
      case '(':
        this.frames.push(current.expectTable ? frame(current.statement, true) : frame());
        // A derived table is read, never the write target of UPDATE/DELETE.
        if (current.expectTable) current.targetPending = false;
        current.expectTable = false;
        break;
      case ')':
        if (this.frames.length > 1) this.frames.pop();
        break;
      case ';':
        this.frames[this.frames.length - 1] = frame();
        break;
      case ',':
        if (current.cteList) current.expectCteName = true;
        else if (current.inFromList) current.expectTable = true;
        break;
      case '*':
        this.qualifiedStar(at);
        break;
      case '.':
        this.emptyNamePart(at);
        break;
      default:
        break;
    }
    return at + 1;
  }

  /** A word that is a keyword here: returns the next index, or undefined when it is not one. */
  private keyword(word: string, at: number, current: Frame): number | undefined {
    const next = this.tokens[at + 1];
    if (word === 'FROM') return this.from(at, current);
    if (word === 'JOIN' || word === 'APPLY' || word === 'STRAIGHT_JOIN') {
      if (this.readsTables(current)) this.startTableList(current);
      return at + 1;
    }
    if (JOIN_HINTS.has(word) && upper(next) === 'JOIN') {
      this.edits.push({ start: this.tokens[at]?.start ?? 0, end: next?.start ?? 0, text: '' });
      return at + 1;
    }
    if (word === 'USING') {
      // MERGE … USING src and PostgreSQL's DELETE … USING src read src; JOIN … USING (cols) does not.
      if (current.statement === 'MERGE' || current.statement === 'DELETE') current.expectTable = true;
      return at + 1;
    }
    if (STATEMENTS.has(word)) return this.statement(word, at, current);
    if (word === 'WITH') return this.withClause(at, current);
    if (current.expectTable) return this.wordInTablePlace(word, at, current);
    if (word === 'OPTION' && isPunct(next, '(') && this.frames.length === 1) return this.queryHint(at);
    if (word === 'EXEC' || word === 'EXECUTE' || word === 'CALL') return this.procedureCall(at, current);
    if (word === 'LATERAL' && upper(next) === 'VIEW') return this.endTableList(current, at + 2);
    if (CLAUSE_ENDS.has(word)) return this.endTableList(current, at + 1);
    return undefined;
  }

  /** Where a table name goes, only reserved words are not one (a table may be called `Start` or `Window`). */
  private wordInTablePlace(word: string, at: number, current: Frame): number | undefined {
    if (word === 'LATERAL' || word === 'ONLY') return at + 1;
    if (!RESERVED.has(word)) return undefined;
    current.expectTable = false;
    return CLAUSE_ENDS.has(word) ? this.endTableList(current, at + 1) : at + 1;
  }

  /** At the top level FROM always lists tables; inside parentheses only in a statement (not `EXTRACT(YEAR FROM d)`). */
  private readsTables(current: Frame): boolean {
    return current.statement !== undefined || current.tableRef || this.frames.length === 1;
  }

  private startTableList(current: Frame): void {
    current.inFromList = true;
    current.expectTable = true;
  }

  private endTableList(current: Frame, next: number): number {
    current.inFromList = false;
    current.expectTable = false;
    return next;
  }

  private from(at: number, current: Frame): number {
    // `a IS [NOT] DISTINCT FROM b` compares values.
    if (upper(this.tokens[at - 1]) === 'DISTINCT' || !this.readsTables(current)) return at + 1;
    this.startTableList(current);
    if ((current.statement === 'UPDATE' || current.statement === 'DELETE') && !current.targetTaken) {
      current.targetPending = true;
      current.targetTaken = true;
    }
    return at + 1;
  }

  private statement(word: string, at: number, current: Frame): number {
    const previous = upper(this.tokens[at - 1]);
    // FOR UPDATE, ON DELETE CASCADE, ON DUPLICATE KEY UPDATE are not statements.
    if (previous === 'FOR' || previous === 'ON' || previous === 'KEY') return at + 1;
    current.statement = word;
    current.targetTaken = false;
    current.targetPending = false;
    current.cteList = false;
    current.expectCteName = false;
    return this.endTableList(current, at + 1);
  }

  /** `WITH (NOLOCK)` after a table is a hint; otherwise WITH starts a list of CTEs. */
  private withClause(at: number, current: Frame): number {
    if (isPunct(this.tokens[at + 1], '(')) return at + 1;
    this.endTableList(current, at + 1);
    current.cteList = true;
    current.expectCteName = true;
    return upper(this.tokens[at + 1]) === 'RECURSIVE' ? at + 2 : at + 1;
  }

  /** `name AS (` or `name (cols) AS (`; anything else after WITH (`WITH TIES`, `WITH ROLLUP`) is not a CTE. */
  private cteName(at: number, current: Frame): number {
    current.expectCteName = false;
    const token = this.tokens[at];
    const next = this.tokens[at + 1];
    if (token !== undefined && (upper(next) === 'AS' || isPunct(next, '('))) {
      this.cteNames.add(token.text.toLowerCase());
    }
    return at + 1;
  }

  /** A trailing `OPTION (RECOMPILE)`: the parser rejects it; it names no table. */
  private queryHint(at: number): number {
    const close = this.closingParen(at + 1);
    const start = this.tokens[at]?.start;
    const end = close === undefined ? undefined : this.tokens[close]?.end;
    if (start !== undefined && end !== undefined) this.edits.push({ start, end, text: '' });
    return at + 1;
  }

  private procedureCall(at: number, current: Frame): number {
    this.endTableList(current, at + 1);
    let from = at + 1;
    // EXEC @rc = dbo.proc …
    if (this.tokens[from]?.kind === 'variable' && isPunct(this.tokens[from + 1], '=')) from += 2;
    const first = this.tokens[from];
    if (first?.kind !== 'word' && first?.kind !== 'quoted') return from;
    const { parts, next } = this.nameAt(from);
    if (parts.length > 0) this.procedures.push(parts);
    return next;
  }

  private tableName(at: number, current: Frame): number {
    current.expectTable = false;
    const { parts, next } = this.nameAt(at);
    const following = this.tokens[next];
    if (isPunct(following, '(')) {
      const hintEnd = this.hintParenEnd(next);
      if (hintEnd === undefined) return next; // a table function: its arguments are scanned as usual
      this.edits.push({ start: following?.start ?? 0, end: this.tokens[hintEnd]?.end ?? 0, text: '' });
    }
    if (current.targetPending) current.targetPending = false;
    else if (parts.length > 0) this.paths.push(parts);
    return next;
  }

  /** The parts of the dotted name starting at `at`; `a..b` gets the default schema in the middle. */
  private nameAt(at: number): { parts: string[]; next: number } {
    const parts: string[] = [];
    let index = at;
    for (;;) {
      const token = this.tokens[index];
      if (!isNamePart(token) || token === undefined) break;
      parts.push(token.text);
      index += 1;
      if (!isPunct(this.tokens[index], '.')) break;
      if (isPunct(this.tokens[index + 1], '.') && isNamePart(this.tokens[index + 2])) {
        this.emptyNamePart(index);
        if (this.emptyPart !== undefined) parts.push(this.emptyPart);
        index += 1;
      }
      if (!isNamePart(this.tokens[index + 1])) break;
      index += 1;
    }
    return { parts, next: index };
  }

  /** The index of the `)` closing a hint list `(NOLOCK, INDEX(ix))` opened at `open`, or undefined. */
  private hintParenEnd(open: number): number | undefined {
    let index = open + 1;
    let sawHint = false;
    for (;;) {
      const token = this.tokens[index];
      if (token === undefined) return undefined;
      if (isPunct(token, ')')) return sawHint ? index : undefined;
      if (isPunct(token, ',')) index += 1;
      else if (token.kind === 'word' && TABLE_HINTS.has(token.text.toUpperCase())) {
        sawHint = true;
        if (!isPunct(this.tokens[index + 1], '(')) index += 1;
        else {
          const close = this.closingParen(index + 1);
          if (close === undefined) return undefined;
          index = close + 1;
        }
      } else return undefined;
    }
  }

  /** The index of the `)` matching the `(` at `open`, or undefined when it is never closed. */
  private closingParen(open: number): number | undefined {
    const close = this.closers[open] ?? -1;
    return close < 0 ? undefined : close;
  }

  /** `[db].[schema].[t].*`: the parser takes one qualifier before `.*`; the rewrite keeps the last. */
  private qualifiedStar(at: number): void {
    if (!isPunct(this.tokens[at - 1], '.') || !isNamePart(this.tokens[at - 2])) return;
    let first = at - 2;
    while (isPunct(this.tokens[first - 1], '.') && isNamePart(this.tokens[first - 2])) first -= 2;
    if (first === at - 2) return;
    const start = this.tokens[first]?.start ?? 0;
    this.edits.push({ start, end: this.tokens[at - 2]?.start ?? start, text: '' });
  }

  /** `db..t`: no grammar of the parser reads it; the rewrite fills in what the scan fills in. */
  private emptyNamePart(at: number): void {
    if (!isPunct(this.tokens[at + 1], '.')) return;
    if (!isNamePart(this.tokens[at - 1]) || !isNamePart(this.tokens[at + 2])) return;
    const start = this.tokens[at]?.start ?? 0;
    const end = this.tokens[at + 1]?.end ?? start;
    this.edits.push({ start, end, text: this.emptyPart === undefined ? '.' : `.${this.emptyPart}.` });
  }
}

function scanTokens(sql: string, platform: string): Scanner {
  return new Scanner(tokenizeSql(sql, platform), platform).run();
}

/** Table names (and CTE and procedure names) found by scanning the tokens of `sql`. */
export function scanSqlTables(sql: string, platform: string): TokenScan {
  const { paths, cteNames, procedures } = scanTokens(sql, platform);
  return { paths, cteNames, procedures };
}

/**
 * `sql` with the T-SQL the parser rejects but that names no table rewritten (`a.b.*` -> `b.*`,
 * `db..t` -> `db.dbo.t`, `OPTION (…)` and join hints dropped, `t (NOLOCK)` -> `t`), or undefined
 * when there is nothing to rewrite. The tables a query reads are the same before and after.
 */
export function rewriteForParser(sql: string, platform: string): string | undefined {
  const edits = scanTokens(sql, platform).edits.sort((a, b) => a.start - b.start);
  if (edits.length === 0) return undefined;
  let text = '';
  let from = 0;
  for (const edit of edits) {
    if (edit.start < from) continue; // nested in an edit already applied
    text += sql.slice(from, edit.start) + edit.text;
    from = edit.end;
  }
  return text + sql.slice(from);
}
