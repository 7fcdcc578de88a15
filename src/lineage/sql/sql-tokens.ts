/**
 * A forgiving SQL tokenizer for the token scan (token-scan.ts): one pass over the characters, no
 * regular expressions, so its time is linear in the text. Comments and whitespace are dropped;
 * string literals become one `string` token whose text is never read as names.
 */

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'variable' | 'punct';

export interface SqlToken {
  readonly kind: SqlTokenKind;
  /** A word as written, a quoted identifier unquoted (escapes undone), a punctuation mark; '' for strings. */
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Lexical rules that differ between the warehouses. */
interface Lexicon {
  /** `#` starts a line comment (MySQL); elsewhere `#t` is a temp table name. */
  hashComments: boolean;
  /** `//` starts a line comment (Snowflake). */
  slashComments: boolean;
  /** A backslash escapes the next character inside '…' (MySQL, BigQuery, Snowflake, Spark). */
  backslashInStrings: boolean;
  /** "…" is a string with backslash escapes, not an identifier (MySQL, BigQuery, Spark). */
  doubleQuotedStrings: boolean;
  /** '''…''' and """…""" (BigQuery). */
  tripleQuotes: boolean;
}

const BACKSLASH_PLATFORMS = new Set(['mysql', 'bigquery', 'databricks', 'snowflake']);
const DOUBLE_QUOTED_STRING_PLATFORMS = new Set(['mysql', 'bigquery', 'databricks']);

function lexiconOf(platform: string): Lexicon {
  return {
    hashComments: platform === 'mysql',
    slashComments: platform === 'snowflake',
    backslashInStrings: BACKSLASH_PLATFORMS.has(platform),
    doubleQuotedStrings: DOUBLE_QUOTED_STRING_PLATFORMS.has(platform),
    tripleQuotes: platform === 'bigquery',
  };
}

const SPACE_LIKE = new Set([0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]);

function isSpace(code: number): boolean {
  return code <= 0x20 || SPACE_LIKE.has(code) || (code >= 0x2000 && code <= 0x200b);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isWordStart(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    code === 0x5f ||
    (code >= 0x80 && !isSpace(code))
  );
}

/** T-SQL names may continue with `$`, `#` and `@`; Snowflake's with `$`. */
function isWordPart(code: number): boolean {
  return isWordStart(code) || isDigit(code) || code === 0x24 || code === 0x23 || code === 0x40;
}

/** Letters that may prefix a string literal: N'…', E'…', X'…', B'…', R'…' (and BigQuery's RB'…', BR'…'). */
function isStringPrefix(word: string): boolean {
  return word.length <= 2 && /^[nexbr]+$/i.test(word);
}

class Lexer {
  readonly tokens: SqlToken[] = [];
  private at = 0;

  constructor(
    private readonly sql: string,
    private readonly lexicon: Lexicon,
  ) {}

  run(): SqlToken[] {
    const { sql } = this;
    while (this.at < sql.length) {
      const code = sql.charCodeAt(this.at);
      if (isSpace(code)) this.at += 1;
      else if (!this.comment(code)) this.token(code);
    }
    return this.tokens;
  }

  /** Skips a comment starting here; false when none does. */
  private comment(code: number): boolean {
    const next = this.sql.charCodeAt(this.at + 1);
    const lineComment =
      (code === 0x2d && next === 0x2d) ||
      (code === 0x2f && next === 0x2f && this.lexicon.slashComments) ||
      (code === 0x23 && this.lexicon.hashComments);
    if (lineComment) {
      this.at = this.endOf(this.sql.indexOf('\n', this.at), 0);
      return true;
    }
    if (code === 0x2f && next === 0x2a) {
      this.at = this.endOf(this.sql.indexOf('*/', this.at + 2), 2);
      return true;
    }
    return false;
  }

  private endOf(found: number, width: number): number {
    return found < 0 ? this.sql.length : found + width;
  }

  private token(code: number): void {
    const start = this.at;
    if (code === 0x27) this.quotedString(start, 0x27, this.lexicon.backslashInStrings);
    else if (code === 0x22 && this.lexicon.doubleQuotedStrings) this.quotedString(start, 0x22, true);
    else if (code === 0x22) this.quotedIdentifier(start, '"', '"');
    else if (code === 0x60) this.quotedIdentifier(start, '`', '`');
    else if (code === 0x5b) this.quotedIdentifier(start, '[', ']');
    else if (code === 0x24) this.dollar(start);
    else if (code === 0x40) this.variable(start);
    else if (isWordStart(code) || code === 0x23) this.word(start);
    else if (isDigit(code)) this.number(start);
    else this.punct(start, code);
  }

  private push(kind: SqlTokenKind, text: string, start: number): void {
    this.tokens.push({ kind, text, start, end: this.at });
  }

  private word(start: number): void {
    const { sql } = this;
    let end = start + 1;
    while (end < sql.length && isWordPart(sql.charCodeAt(end))) end += 1;
    const text = sql.slice(start, end);
    this.at = end;
    if (sql.charCodeAt(end) === 0x27 && isStringPrefix(text)) {
      const escapes = this.lexicon.backslashInStrings || /e/i.test(text);
      this.quotedString(start, 0x27, escapes);
      return;
    }
    this.push('word', text, start);
  }

  private variable(start: number): void {
    const { sql } = this;
    let end = start + 1;
    while (end < sql.length && isWordPart(sql.charCodeAt(end))) end += 1;
    this.at = end;
    this.push('variable', sql.slice(start, end), start);
  }

  private number(start: number): void {
    const { sql } = this;
    let end = start;
    while (isDigit(sql.charCodeAt(end))) end += 1;
    if (sql.charCodeAt(end) === 0x2e && isDigit(sql.charCodeAt(end + 1))) {
      end += 1;
      while (isDigit(sql.charCodeAt(end))) end += 1;
    }
    this.at = end;
    this.push('number', sql.slice(start, end), start);
  }

  /** `::` (a cast) is one mark, so that `a::b` is never read as a name part. */
  private punct(start: number, code: number): void {
    const double = code === 0x3a && this.sql.charCodeAt(start + 1) === 0x3a;
    this.at = start + (double ? 2 : 1);
    this.push('punct', this.sql.slice(start, this.at), start);
  }

  /** '…' with '' (and, where the dialect has them, backslash) escapes; unterminated runs to the end. */
  private quotedString(start: number, quote: number, backslash: boolean): void {
    const { sql } = this;
    const open = sql.indexOf(String.fromCharCode(quote), start);
    if (
      this.lexicon.tripleQuotes &&
      sql.charCodeAt(open + 1) === quote &&
      sql.charCodeAt(open + 2) === quote
    ) {
      const triple = String.fromCharCode(quote, quote, quote);
      this.at = this.endOf(sql.indexOf(triple, open + 3), 3);
      this.push('string', '', start);
      return;
    }
    let at = open + 1;
    while (at < sql.length) {
      const code = sql.charCodeAt(at);
      if (code === 0x5c && backslash) at += 2;
      else if (code !== quote) at += 1;
      else if (sql.charCodeAt(at + 1) === quote) at += 2;
      else break;
    }
    this.at = Math.min(at + 1, sql.length);
    this.push('string', '', start);
  }

  /** "…", `…`, […]: the closing mark doubled is an escaped one. */
  private quotedIdentifier(start: number, open: string, close: string): void {
    const { sql } = this;
    let text = '';
    let from = start + open.length;
    for (;;) {
      const end = sql.indexOf(close, from);
      if (end < 0) {
        text += sql.slice(from);
        this.at = sql.length;
        break;
      }
      text += sql.slice(from, end);
      if (sql.startsWith(close, end + 1)) {
        text += close;
        from = end + 2;
        continue;
      }
      this.at = end + 1;
      break;
    }
    this.push('quoted', text, start);
  }

  /** $$…$$ and $tag$…$tag$ are strings (PostgreSQL, Snowflake); `$1` is a parameter. */
  private dollar(start: number): void {
    const { sql } = this;
    let end = start + 1;
    while (end < sql.length && isWordPart(sql.charCodeAt(end)) && sql.charCodeAt(end) !== 0x24) end += 1;
    if (sql.charCodeAt(end) === 0x24) {
      const tag = sql.slice(start, end + 1);
      this.at = this.endOf(sql.indexOf(tag, end + 1), tag.length);
      this.push('string', '', start);
      return;
    }
    this.at = end;
    this.push(end > start + 1 ? 'variable' : 'punct', sql.slice(start, end), start);
  }
}

export function tokenizeSql(sql: string, platform: string): SqlToken[] {
  return new Lexer(sql, lexiconOf(platform)).run();
}
