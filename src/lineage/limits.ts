/**
 * Bounds on the analysis of one table expression, so that one pathological expression costs its own
 * lineage (a `limit_exceeded` diagnostic) and never the sync: a text too long or nested too deeply
 * is not parsed, native SQL too long is not given to the SQL parser, and parsing one M text or
 * walking one table expression stops when its time is up.
 */

export interface AnalysisLimits {
  /** Characters of one M text (a table expression or a dataset query); a longer one is not parsed. */
  maxTextChars: number;
  /** Brackets (`(`, `[`, `{`) open at once in one M text, counted on its tokens before parsing. */
  maxNestingDepth: number;
  /** Characters of one native SQL query; a longer one is not given to the SQL parser. */
  maxSqlChars: number;
  /** Milliseconds for parsing one M text, and again for walking one table expression (with its native SQL). */
  timeBudgetMs: number;
}

export const DEFAULT_ANALYSIS_LIMITS: Readonly<AnalysisLimits> = {
  maxTextChars: 1_048_576,
  maxNestingDepth: 500,
  maxSqlChars: 262_144,
  timeBudgetMs: 10_000,
};

/** A limit stopped (part of) an analysis; caught where the analysis of one table expression ends. */
export class LimitExceededError extends Error {
  override readonly name = 'LimitExceededError';
}

// Made on first use: building a NumberFormat loads ICU's locale data (~50 ms), which every process
// importing this module would otherwise pay at start-up, `spec` and `discover` included.
let numbers: Intl.NumberFormat | undefined;

export function formatCount(value: number): string {
  numbers ??= new Intl.NumberFormat('en-US');
  return numbers.format(value);
}

export function mTextTooLong(length: number, limits: Pick<AnalysisLimits, 'maxTextChars'>): string {
  return `The M text has ${formatCount(length)} characters, more than the ${formatCount(limits.maxTextChars)} the analysis reads.`;
}

/** A point in time after which work stops; checking it costs a clock read only every 64th call. */
export class Deadline {
  private readonly at: number;
  private calls = 0;
  private expired = false;

  constructor(
    readonly budgetMs: number,
    /** What the budget is for, for the message: "parsing this M text", "the analysis of this table". */
    private readonly what: string,
  ) {
    this.at = performance.now() + budgetMs;
  }

  /** True once the time is up; for hot loops: the clock is read on every 64th call (and the first). */
  passed(): boolean {
    if (this.expired) return true;
    if ((this.calls++ & 63) !== 0) return false;
    return this.passedNow();
  }

  /** True once the time is up, reading the clock. */
  passedNow(): boolean {
    this.expired ||= performance.now() >= this.at;
    return this.expired;
  }

  message(): string {
    return `Stopped: ${this.what} took longer than the ${formatCount(this.budgetMs)} ms time budget.`;
  }

  /** Throws LimitExceededError once the time is up (sampled like passed()). */
  check(): void {
    if (this.passed()) throw new LimitExceededError(this.message());
  }

  /** Throws LimitExceededError once the time is up, reading the clock. */
  checkNow(): void {
    if (this.passedNow()) throw new LimitExceededError(this.message());
  }
}

/**
 * The most brackets (`(`, `[`, `{`) open at once in M text, in one pass over its characters before
 * anything else reads it: brackets inside text literals (`"…"`, `""` escaping a quote), quoted
 * identifiers (`#"…"`) and line or block comments do not count.
 */
export function bracketDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  const length = text.length;
  for (let at = 0; at < length; at += 1) {
    const char = text.charCodeAt(at);
    if (char === OPEN_PAREN || char === OPEN_BRACKET || char === OPEN_BRACE) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (char === CLOSE_PAREN || char === CLOSE_BRACKET || char === CLOSE_BRACE) {
      if (depth > 0) depth -= 1;
    } else if (char === QUOTE) {
      at = endOfQuoted(text, at + 1);
    } else if (char === SLASH && text.charCodeAt(at + 1) === SLASH) {
      const end = text.indexOf('\n', at + 2);
      at = end < 0 ? length : end;
    } else if (char === SLASH && text.charCodeAt(at + 1) === STAR) {
      const end = text.indexOf('*/', at + 2);
      at = end < 0 ? length : end + 1;
    }
  }
  return deepest;
}

/** Index of the quote closing a literal whose content starts at `from` (`""` is an escaped quote). */
function endOfQuoted(text: string, from: number): number {
  for (let at = text.indexOf('"', from); at >= 0; at = text.indexOf('"', at + 2)) {
    if (text.charCodeAt(at + 1) !== QUOTE) return at;
  }
  return text.length;
}

const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const SLASH = 0x2f;
const STAR = 0x2a;
