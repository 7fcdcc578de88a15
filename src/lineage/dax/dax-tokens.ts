/**
 * A small DAX tokenizer: one pass over the characters, each read once (closing quotes and comment
 * ends are found with indexOf), so its time is linear in the text. Whitespace and comments
 * (`//`, `--`, `/* *\/`) are dropped; string literals are kept (a string followed by `,` can name a
 * column the expression adds) but never read for names.
 */

export type DaxTokenKind =
  /** An unquoted identifier: a function, keyword, variable or table name (`CALCULATE`, `VAR`, `Sales`). */
  | 'name'
  /** A quoted table name `'Sales Fact'`, its `''` escapes undone. */
  | 'quoted'
  /** A column or measure name `[Sales Amount]`, its `]]` escapes undone. */
  | 'bracket'
  /** A string literal `"…"`, its `""` escapes undone. */
  | 'string'
  | 'number'
  /** Any other single character: `(`, `)`, `,`, `{`, `=`, `&`, … */
  | 'symbol';

export interface DaxToken {
  kind: DaxTokenKind;
  text: string;
}

/** What the text ended inside of, when a literal, name or comment is not closed. */
export type DaxUnterminated = 'string literal' | 'quoted table name' | 'bracketed name' | 'block comment';

export class DaxTokenizer {
  private at = 0;
  /** Set when the text ends inside a literal, name or comment; the tokens stop there. */
  unterminated: DaxUnterminated | undefined;

  constructor(private readonly text: string) {}

  /** The next token, or undefined at the end of the text. */
  next(): DaxToken | undefined {
    this.skipBlanksAndComments();
    if (this.at >= this.text.length) return undefined;
    const code = this.text.charCodeAt(this.at);
    if (code === DOUBLE_QUOTE) return this.delimited('string', '"', 'string literal');
    if (code === SINGLE_QUOTE) return this.delimited('quoted', "'", 'quoted table name');
    if (code === OPEN_BRACKET) return this.delimited('bracket', ']', 'bracketed name');
    if (isDigit(code) || (code === DOT && isDigit(this.text.charCodeAt(this.at + 1))))
      return this.word('number');
    if (isNameStart(code)) return this.word('name');
    this.at += 1;
    return { kind: 'symbol', text: this.text[this.at - 1] ?? '' };
  }

  private skipBlanksAndComments(): void {
    const text = this.text;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at);
      const following = text.charCodeAt(this.at + 1);
      if (isBlank(code)) this.at += 1;
      else if ((code === SLASH && following === SLASH) || (code === DASH && following === DASH)) {
        const end = text.indexOf('\n', this.at + 2);
        this.at = end < 0 ? text.length : end + 1;
      } else if (code === SLASH && following === STAR) {
        const end = text.indexOf('*/', this.at + 2);
        if (end < 0) this.stop('block comment');
        else this.at = end + 2;
      } else return;
    }
  }

  /** A token closed by `close`, where the close character doubled stands for itself (`""`, `''`, `]]`). */
  private delimited(kind: DaxTokenKind, close: string, what: DaxUnterminated): DaxToken | undefined {
    const text = this.text;
    const start = this.at + 1;
    let end = text.indexOf(close, start);
    while (end >= 0 && text[end + 1] === close) end = text.indexOf(close, end + 2);
    if (end < 0) {
      this.stop(what);
      return undefined;
    }
    this.at = end + 1;
    return {
      kind,
      text: text
        .slice(start, end)
        .split(close + close)
        .join(close),
    };
  }

  /** A name or number: letters, digits, `_` and `.` (`INFO.TABLES`, `1.5E3`). */
  private word(kind: 'name' | 'number'): DaxToken {
    const start = this.at;
    while (this.at < this.text.length && isNamePart(this.text.charCodeAt(this.at))) this.at += 1;
    return { kind, text: this.text.slice(start, this.at) };
  }

  private stop(what: DaxUnterminated): void {
    this.unterminated = what;
    this.at = this.text.length;
  }
}

function isBlank(code: number): boolean {
  return code <= 0x20 || code === 0xa0 || code === 0xfeff || code === 0x2028 || code === 0x2029;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** Letters, `_`, and any non-ASCII character (DAX wants such names quoted; we read them anyway). */
function isNameStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f || code > 0x7f;
}

function isNamePart(code: number): boolean {
  return isNameStart(code) || isDigit(code) || code === DOT;
}

const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const OPEN_BRACKET = 0x5b;
const DOT = 0x2e;
const SLASH = 0x2f;
const STAR = 0x2a;
const DASH = 0x2d;
