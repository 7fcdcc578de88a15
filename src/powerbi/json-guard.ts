import { formatChars, type ScanResultLimits } from './limits.js';

/** A limit a scan result crossed, at the point in the text where it did. */
export interface LimitEvent {
  kind: 'string' | 'number' | 'depth' | 'element';
  detail: string;
}

/**
 * Where an element of the document's top-level values begins (just before its opening bracket) or
 * ends (just after its closing one): a value opened at depth 2, such as one workspace. Only given
 * by a guard built with `{ marks: true }`.
 */
export interface ElementMark {
  kind: 'element-start' | 'element-end';
}

const ELEMENT_START: ElementMark = Object.freeze({ kind: 'element-start' });
const ELEMENT_END: ElementMark = Object.freeze({ kind: 'element-end' });

/** Text to hand to the JSON tokenizer, and the limit events (and marks) between the pieces, in order. */
export type GuardPiece = string | LimitEvent | ElementMark;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const LOWER_U = 0x75;

const NONE = 0;
/** The rest of a string cut at stringChars (a closing quote was already passed on). */
const DROP_STRING = 1;
/** The rest of a number (or other bare literal) cut at numberChars. */
const DROP_RUN = 2;
/** A value nested deeper than the limit (`null` was passed on in its place). */
const DROP_NESTED = 3;

/** Not whitespace, not JSON punctuation: part of a number or of true/false/null. */
function isRunChar(c: number): boolean {
  return (
    c > 0x20 &&
    c !== QUOTE &&
    c !== COMMA &&
    c !== COLON &&
    c !== OPEN_BRACE &&
    c !== CLOSE_BRACE &&
    c !== OPEN_BRACKET &&
    c !== CLOSE_BRACKET
  );
}

/**
 * Sits in front of the streaming JSON tokenizer of scan results and keeps what the tokenizer and
 * the assembler could hold bounded, whatever the server sends: a string longer than stringChars is
 * cut there (the rest is skipped, not buffered), a bare literal likewise at numberChars, and a value
 * nested deeper than `depth` is replaced by `null` (skipped with a counter, so the tokenizer's own
 * stack never grows past the limit). It also counts the characters of each element of the
 * document's top-level arrays (depth 3 and below). Each cut, and an element passing elementChars,
 * is reported as a LimitEvent at its place in the text, so the walker can fail that element only.
 *
 * It is a lexical scan only (strings, escapes, brackets): validating the JSON is left to the
 * tokenizer, which still sees well-formed text wherever the input was well-formed.
 */
export class JsonGuard {
  private depth = 0;
  private inString = false;
  private escape = false;
  private hex = 0;
  private run = 0;
  /** The last character of the bare literal being read. */
  private runLast = 0;
  private drop = NONE;
  private dropDepth = 0;
  private elementChars = 0;

  private readonly marks: boolean;

  constructor(
    private readonly limits: ScanResultLimits,
    options: { marks?: boolean } = {},
  ) {
    this.marks = options.marks === true;
  }

  scan(text: string): GuardPiece[] {
    const limits = this.limits;
    const out: GuardPiece[] = [];
    let start = 0;
    let { depth, inString, escape, hex, run, runLast, drop, dropDepth, elementChars } = this;
    const event = (kind: LimitEvent['kind'], detail: string, at: number, extra = ''): void => {
      if (drop === NONE && (at > start || extra !== '')) out.push(text.slice(start, at) + extra);
      out.push({ kind, detail });
    };
    const elementEvent = (at: number): void => {
      event('element', `more than ${formatChars(limits.elementChars)} of JSON`, at);
      if (drop === NONE) start = at;
    };
    const mark = (which: ElementMark, at: number): void => {
      if (at > start) out.push(text.slice(start, at));
      out.push(which);
      start = at;
    };
    const stringEvent = (at: number): void => {
      event('string', `a string longer than ${formatChars(limits.stringChars)}`, at, '"');
      drop = DROP_STRING;
    };
    const n = text.length;
    let backslash = -2; // index of the next backslash at or after i (-1: none left), found lazily
    for (let i = 0; i < n; i += 1) {
      if (inString && !escape && hex === 0) {
        // Fast path over plain string content (most of a scan result): jump to the next quote or
        // backslash, and do the counting for the characters in between at once.
        if (backslash !== -1 && backslash < i) backslash = text.indexOf('\\', i);
        let stop = text.indexOf('"', i);
        if (stop === -1) stop = n;
        if (backslash !== -1 && backslash < stop) stop = backslash;
        const span = stop - i;
        if (span > 0) {
          const elementAt =
            depth >= 3 && elementChars <= limits.elementChars && elementChars + span > limits.elementChars
              ? i + limits.elementChars - elementChars
              : -1;
          const cutAt =
            drop === NONE && run + span > limits.stringChars ? i + Math.max(0, limits.stringChars - run) : -1;
          if (elementAt !== -1 && (cutAt === -1 || elementAt <= cutAt)) elementEvent(elementAt);
          if (cutAt !== -1) stringEvent(cutAt);
          if (elementAt !== -1 && cutAt !== -1 && elementAt > cutAt) elementEvent(elementAt);
          if (depth >= 3) elementChars += span;
          if (drop === NONE) run += span;
          i = stop;
          if (i >= n) break;
        }
      }
      const c = text.charCodeAt(i);
      if (depth >= 3 && ++elementChars === limits.elementChars + 1) elementEvent(i);
      if (inString) {
        if (hex > 0) hex -= 1;
        else if (escape) {
          escape = false;
          if (c === LOWER_U) hex = 4;
        } else if (c === QUOTE) {
          inString = false;
          if (drop === DROP_STRING) {
            drop = NONE;
            start = i + 1; // the closing quote was passed on at the cut
          }
          continue;
        } else {
          // A character boundary (not inside an escape sequence): where a long string is cut.
          if (drop === NONE && run >= limits.stringChars) stringEvent(i);
          if (c === BACKSLASH) escape = true;
        }
        if (drop === NONE) run += 1;
        continue;
      }
      if (drop === DROP_RUN) {
        if (isRunChar(c)) continue;
        drop = NONE;
        start = i;
      }
      if (drop === DROP_NESTED) {
        if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) dropDepth += 1;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          dropDepth -= 1;
          if (dropDepth === 0) {
            drop = NONE;
            start = i + 1;
          }
        }
        continue;
      }
      if (c === QUOTE) {
        inString = true;
        run = 0;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth >= limits.depth) {
          event('depth', `nesting deeper than ${limits.depth} levels`, i, 'null');
          drop = DROP_NESTED;
          dropDepth = 1;
          continue;
        }
        depth += 1;
        if (depth === 3) {
          elementChars = 0;
          if (this.marks) mark(ELEMENT_START, i);
        }
        run = 0;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth -= 1;
        if (depth === 2 && this.marks) mark(ELEMENT_END, i + 1);
        run = 0;
      } else if (isRunChar(c)) {
        run += 1;
        if (run > limits.numberChars) {
          // A number cut after a sign, point or exponent mark is completed with a 0 ("1e" -> "1e0").
          const digit = runLast >= 0x30 && runLast <= 0x39;
          event('number', `a number longer than ${formatChars(limits.numberChars)}`, i, digit ? '' : '0');
          drop = DROP_RUN;
        } else runLast = c;
      } else run = 0;
    }
    if (drop === NONE && start < text.length) out.push(start === 0 ? text : text.slice(start));
    Object.assign(this, { depth, inString, escape, hex, run, runLast, drop, dropDepth, elementChars });
    return out;
  }
}

/** True when `text` (JSON) nests objects and arrays deeper than `maxDepth`; strings are skipped. */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  let escape = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escape) escape = false;
      else if (c === BACKSLASH) escape = true;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth -= 1;
  }
  return false;
}
