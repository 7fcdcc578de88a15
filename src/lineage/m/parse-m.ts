/**
 * Parsing M text with Microsoft's powerquery-parser (its API is asynchronous). A trailing comma in
 * a list, record, argument list or `let` (`Table.RenameColumns(#"Added Index",)`) is the one error
 * the parser names precisely; the text is re-parsed without that comma and the repair is reported,
 * so the lineage the rest of the expression states is not lost (comma-repair.ts). Texts of one
 * shape (m-template.ts) parse alike: one parse per shape gives the tree, the commas to repair, or
 * the failure of every text of that shape.
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
import { repairOf, strayComma, withoutCommas, type CommaRepair, type LexParseTask } from './comma-repair.js';
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

export type { CommaRepair } from './comma-repair.js';

function failure(task: LexParseTask): ParseOutcome {
  if (PQP.TaskUtils.isError(task)) return { ok: false, message: task.error.message };
  return { ok: false, message: 'The M text could not be parsed.' };
}

/** What the parse of a text of some shape met besides a tree: stray commas, or a failure. */
export type ShapeProblem =
  /** Token indices of the commas replaced, in the order they were. */
  | { readonly commas: readonly number[] }
  /** The parser's message: its syntax errors name token kinds only, never a text or position. */
  | { readonly failure: string };

/** Parse trees, and the problems of texts that did not parse cleanly, by template key (m-template.ts). */
export interface TemplateStore {
  get(key: string): MAst | undefined;
  set(key: string, ast: MAst): void;
  problemOf?(key: string): ShapeProblem | undefined;
  setProblem?(key: string, problem: ShapeProblem): void;
}

type Token = PQP.Language.Token.Token;

/** Where parseWithRepairs records what it learns about the shape of the text it repairs. */
interface Learner {
  templates: TemplateStore;
  key: string;
  tokens: readonly Token[];
}

/**
 * Parses `text`, reusing what an earlier text of the same shape gave through `templates`: its
 * tree (then the tree's token ranges are those of the earlier text, without positions once the
 * shape's tree is kept for the run; nothing here reads them), the commas it needed repaired, or its
 * failure. A text longer or nested deeper than `limits`
 * allow is not parsed, and a parse stops when its time is up; both give a failure with
 * `limitExceeded` (never remembered for the shape).
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
  let learner: Learner | undefined;
  let failed: LexParseTask | undefined;
  try {
    const lexed = PQP.TaskUtils.tryLex(settings, text);
    if (PQP.TaskUtils.isLexStageOk(lexed)) {
      const tokens = lexed.lexerSnapshot.tokens;
      const shape = templates && templateShape(tokens, text);
      if (shape !== undefined && templates !== undefined) {
        const known = await fromShape(text, tokens, shape, templates, limits);
        if (known !== undefined) return known;
        learner = { templates, key: shape.key, tokens };
      }
      const task = await PQP.TaskUtils.tryParse(settings, lexed.lexerSnapshot);
      if (PQP.TaskUtils.isParseStageOk(task)) {
        if (shape !== undefined) templates?.set(shape.key, task.ast);
        return { ok: true, ast: task.ast, names: referencedNames(tokens), repairs: [] };
      }
      failed = task;
    }
  } catch {
    // Reported by the repairing parse below, which meets the same problem.
  }
  if (cancellation.stopped()) return limitFailure(cancellation.deadline.message());
  return parseWithRepairs(text, settings, cancellation, learner, failed);
}

/** The outcome an earlier text of this shape tells, if it does. */
async function fromShape(
  text: string,
  tokens: readonly Token[],
  shape: ReturnType<typeof templateShape>,
  templates: TemplateStore,
  limits: AnalysisLimits,
): Promise<ParseOutcome | undefined> {
  const known = templates.get(shape.key);
  const reused = known && instantiate(known, tokens, shape);
  if (reused) return { ok: true, ast: reused, names: referencedNames(tokens), repairs: [] };
  const problem = templates.problemOf?.(shape.key);
  if (problem === undefined) return undefined;
  if ('failure' in problem) return { ok: false, message: problem.failure };
  return parseRepaired(text, tokens, problem.commas, templates, limits);
}

/**
 * `text` with the commas a text of its shape needed replaced, parsed through the templates (the
 * repaired texts of one shape share a shape too); undefined when that does not parse cleanly.
 */
async function parseRepaired(
  text: string,
  tokens: readonly Token[],
  commaIndexes: readonly number[],
  templates: TemplateStore,
  limits: AnalysisLimits,
): Promise<ParseOutcome | undefined> {
  const commas = commaIndexes.map((index) => tokens[index]);
  if (commas.some((token) => token?.kind !== PQP.Language.Token.TokenKind.Comma)) return undefined;
  const found = commas as Token[];
  const outcome = await parseM(withoutCommas(text, found), templates, limits);
  if (!outcome.ok || outcome.repairs.length > 0) return undefined;
  return { ...outcome, repairs: found.map(repairOf) };
}

/** A parse error (not a limit, not a crash) is the same for every text of the shape. */
function rememberFailure(learner: Learner | undefined, task: LexParseTask, outcome: ParseOutcome): void {
  if (learner === undefined || outcome.ok || !PQP.TaskUtils.isParseStageParseError(task)) return;
  learner.templates.setProblem?.(learner.key, { failure: outcome.message });
}

function rememberRepairs(learner: Learner | undefined, commas: readonly number[], task: LexParseTask): void {
  if (learner === undefined || !PQP.TaskUtils.isParseStageOk(task)) return;
  learner.templates.setProblem?.(learner.key, { commas });
  const { tokens, text } = task.lexerSnapshot;
  learner.templates.set(templateShape(tokens, text).key, task.ast);
}

/** `first`: the failed parse of `text` itself, when there was one. */
async function parseWithRepairs(
  text: string,
  settings: PQP.Settings,
  cancellation: ParseCancellation,
  learner?: Learner,
  first?: LexParseTask,
): Promise<ParseOutcome> {
  const repairs: CommaRepair[] = [];
  // Each token of the current text's index in the original text; of each comma replaced.
  const originalIndex = learner?.tokens.map((_, index) => index) ?? [];
  const commas: number[] = [];
  let current = text;
  let firstFailure: { task: LexParseTask; outcome: ParseOutcome } | undefined;
  try {
    for (let task = first ?? (await PQP.TaskUtils.tryLexParse(settings, current)); ;) {
      if (PQP.TaskUtils.isOk(task) && PQP.TaskUtils.isParseStageOk(task)) {
        if (repairs.length > 0) rememberRepairs(learner, commas, task);
        return { ok: true, ast: task.ast, names: referencedNames(task.lexerSnapshot.tokens), repairs };
      }
      if (cancellation.stopped()) return limitFailure(cancellation.deadline.message());
      firstFailure ??= { task, outcome: failure(task) };
      const comma = repairs.length < MAX_REPAIRS ? strayComma(task) : undefined;
      if (comma === undefined) {
        rememberFailure(learner, firstFailure.task, firstFailure.outcome);
        return firstFailure.outcome;
      }
      current = withoutCommas(current, [comma.token]);
      repairs.push(repairOf(comma.token));
      commas.push(originalIndex.splice(comma.index, 1)[0] ?? -1);
      task = await PQP.TaskUtils.tryLexParse(settings, current);
    }
  } catch (error) {
    if (cancellation.stopped()) return limitFailure(cancellation.deadline.message());
    return (
      firstFailure?.outcome ?? { ok: false, message: error instanceof Error ? error.message : String(error) }
    );
  }
}
