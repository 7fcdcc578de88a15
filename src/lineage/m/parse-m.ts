/**
 * Parsing M text with Microsoft's powerquery-parser (its API is asynchronous). A trailing comma in
 * a list, record, argument list or `let` (`Table.RenameColumns(#"Added Index",)`) is the one error
 * the parser names precisely; the text is re-parsed without that comma and the repair is reported,
 * so the lineage the rest of the expression states is not lost.
 */
import * as PQP from '@microsoft/powerquery-parser';
import {
  bracketDepth,
  Deadline,
  DEFAULT_ANALYSIS_LIMITS,
  formatCount,
  mTextTooLong,
  type AnalysisLimits,
} from '../limits.js';
import { instantiate, templateShape } from './m-template.js';
import { referencedNames } from './referenced-names.js';

/** The parser's cancellation hook: Microsoft's parser calls throwIfCancelled at every parse step. */
export class ParseCancellation implements PQP.ICancellationToken {
  private reason: string | undefined;

  constructor(readonly deadline: Deadline) {}

  isCancelled = (): boolean => this.reason !== undefined || this.deadline.passed();

  throwIfCancelled = (): void => {
    if (this.isCancelled())
      throw new PQP.CommonError.CancellationError(this, this.reason ?? this.deadline.message());
  };

  cancel = (reason: string): void => {
    this.reason = reason;
  };

  /** After a failed parse: was it this token that stopped it (or is the time up anyway)? */
  stopped(): boolean {
    return this.reason !== undefined || this.deadline.passedNow();
  }
}

export type MAst = PQP.Language.Ast.TNode;

/** A trailing comma removed before parsing again; line and column are 1-based. */
export interface CommaRepair {
  line: number;
  column: number;
}

export type ParseOutcome =
  | {
      ok: true;
      ast: MAst;
      /** Decoded identifiers the text mentions: which dataset queries it may depend on. */
      names: readonly string[];
      repairs: readonly CommaRepair[];
    }
  | {
      ok: false;
      message: string;
      /** Set when a limit (length, nesting, time) stopped the parse rather than the M being invalid. */
      limitExceeded?: true;
    };

/** Most broken expressions have one stray comma; a text that needs more repairs than this is left as broken. */
const MAX_REPAIRS = 4;

/**
 * Microsoft's parser is recursive descent made of async functions: each nested expression is read
 * on the same synchronous stack until something awaits, so `{{{…}}}` or `f(f(f(…)))` about 150
 * deep overflows the main thread's stack (inside promise callbacks, where the RangeError cannot be
 * caught and ends the process). Every YIELD_EVERY-th nested read here awaits first, which returns
 * to the microtask queue with an empty stack: the nesting then lives on the heap.
 */
const YIELD_EVERY = 16;
/** Reads entered and not finished, over all parses (interleaved parses only make yields more frequent). */
let openReads = 0;

type Read<T> = (
  state: PQP.Parser.ParseState,
  parser: PQP.Parser.Parser,
  correlationId: number | undefined,
) => Promise<T>;

function stackSafe<T>(read: Read<T>): Read<T> {
  return async (state, parser, correlationId) => {
    openReads += 1;
    try {
      if (openReads % YIELD_EVERY === 0) await Promise.resolve();
      return await read(state, parser, correlationId);
    } finally {
      openReads -= 1;
    }
  };
}

const BASE_PARSER = PQP.DefaultSettings.parser;
/** Every nesting construct (list, record, call, parentheses, each, if, let, ...) reads through these two. */
const STACK_SAFE_PARSER: PQP.Parser.Parser = {
  ...BASE_PARSER,
  readExpression: stackSafe(BASE_PARSER.readExpression),
  readType: stackSafe(BASE_PARSER.readType),
};

function settingsFor(cancellation: ParseCancellation): PQP.Settings {
  return { ...PQP.DefaultSettings, parser: STACK_SAFE_PARSER, cancellationToken: cancellation };
}

function limitFailure(message: string): ParseOutcome {
  return { ok: false, message, limitExceeded: true };
}

type LexParseTask = Awaited<ReturnType<typeof PQP.TaskUtils.tryLexParse>>;

/** Start offset and position of the comma right before a "dangling comma" / "comma before in" error. */
function strayComma(task: LexParseTask): { start: number; end: number; repair: CommaRepair } | undefined {
  if (!PQP.TaskUtils.isParseStageParseError(task)) return undefined;
  const inner = task.error.innerError;
  if (!(inner instanceof PQP.Parser.ParseError.ExpectedCsvContinuationError)) return undefined;
  const tokens = task.lexerSnapshot.tokens;
  const at = tokens.findIndex(
    (token) => token.positionStart.codeUnit === inner.foundToken?.token.positionStart.codeUnit,
  );
  const comma = tokens[at - 1];
  if (at < 1 || comma?.kind !== PQP.Language.Token.TokenKind.Comma) return undefined;
  const { codeUnit, lineNumber, lineCodeUnit } = comma.positionStart;
  return {
    start: codeUnit,
    end: comma.positionEnd.codeUnit,
    repair: { line: lineNumber + 1, column: lineCodeUnit + 1 },
  };
}

function failure(task: LexParseTask): ParseOutcome {
  if (PQP.TaskUtils.isError(task)) return { ok: false, message: task.error.message };
  return { ok: false, message: 'The M text could not be parsed.' };
}

/** Parse trees by template key (see m-template.ts). */
export interface TemplateStore {
  get(key: string): MAst | undefined;
  set(key: string, ast: MAst): void;
}

/**
 * Parses `text`, reusing the tree of an earlier text of the same shape from `templates` (then the
 * tree's token positions are those of the earlier text; nothing here reads them). A text longer or
 * nested deeper than `limits` allow is not parsed, and a parse stops when its time is up; both give
 * a failure with `limitExceeded`.
 */
export async function parseM(
  text: string,
  templates?: TemplateStore,
  limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS,
): Promise<ParseOutcome> {
  if (text.length > limits.maxTextChars) {
    return limitFailure(mTextTooLong(text.length, limits));
  }
  const depth = bracketDepth(text);
  if (depth > limits.maxNestingDepth) {
    return limitFailure(
      `The M text nests brackets ${formatCount(depth)} deep, more than the ${formatCount(limits.maxNestingDepth)} the analysis allows.`,
    );
  }
  const cancellation = new ParseCancellation(new Deadline(limits.timeBudgetMs, 'parsing this M text'));
  const settings = settingsFor(cancellation);
  try {
    const lexed = PQP.TaskUtils.tryLex(settings, text);
    if (PQP.TaskUtils.isLexStageOk(lexed)) {
      const tokens = lexed.lexerSnapshot.tokens;
      const shape = templates && templateShape(tokens, text);
      const known = shape && templates?.get(shape.key);
      const reused = shape && known && instantiate(known, tokens, shape);
      if (reused) return { ok: true, ast: reused, names: referencedNames(tokens), repairs: [] };
      const task = await PQP.TaskUtils.tryParse(settings, lexed.lexerSnapshot);
      if (PQP.TaskUtils.isParseStageOk(task)) {
        if (shape !== undefined) templates?.set(shape.key, task.ast);
        return { ok: true, ast: task.ast, names: referencedNames(tokens), repairs: [] };
      }
    }
  } catch {
    // Reported by the repairing parse below, which meets the same problem.
  }
  if (cancellation.stopped()) return limitFailure(cancellation.deadline.message());
  return parseWithRepairs(text, settings, cancellation);
}

async function parseWithRepairs(
  text: string,
  settings: PQP.Settings,
  cancellation: ParseCancellation,
): Promise<ParseOutcome> {
  const repairs: CommaRepair[] = [];
  let current = text;
  let firstFailure: ParseOutcome | undefined;
  try {
    for (;;) {
      const task = await PQP.TaskUtils.tryLexParse(settings, current);
      if (PQP.TaskUtils.isOk(task) && PQP.TaskUtils.isParseStageOk(task)) {
        const names = referencedNames(task.lexerSnapshot.tokens);
        return { ok: true, ast: task.ast, names, repairs };
      }
      if (cancellation.stopped()) return limitFailure(cancellation.deadline.message());
      firstFailure ??= failure(task);
      const comma = repairs.length < MAX_REPAIRS ? strayComma(task) : undefined;
      if (comma === undefined) return firstFailure;
      // Replaced by a space, not removed, so later offsets and columns stay those of the original text.
      current = `${current.slice(0, comma.start)} ${current.slice(comma.end)}`;
      repairs.push(comma.repair);
    }
  } catch (error) {
    if (cancellation.stopped()) return limitFailure(cancellation.deadline.message());
    return firstFailure ?? { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
