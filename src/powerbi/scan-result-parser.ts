import Assembler from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { JsonGuard, type ElementMark, type LimitEvent } from './json-guard.js';
import { isObject, stringField } from './json-shapes.js';
import { DEFAULT_SCAN_RESULT_LIMITS, type ScanResultLimits } from './limits.js';
import type { ScanDatasourceInstance, ScanWorkspace } from './scan-types.js';

export type ScanResultItem =
  | { kind: 'workspace'; workspace: ScanWorkspace }
  | { kind: 'datasource-instance'; instance: ScanDatasourceInstance; misconfigured: boolean }
  /** An array element that is not what it should be (null, no id...): skipped, reported. */
  | { kind: 'malformed'; array: string; detail: string }
  /**
   * An array element over a limit (ScanResultLimits): not assembled (its memory is not spent), only
   * its id is kept when it had one. The rest of the document is read as usual.
   */
  | { kind: 'over-limit'; array: string; id?: string; detail: string };

/** Thrown for a body that is not a complete JSON scan result (truncated, malformed). */
export class ScanResultFormatError extends Error {
  override readonly name = 'ScanResultFormatError';
}

/**
 * Elements up to this many characters of JSON are cut out of the text and parsed whole with
 * JSON.parse (a few times cheaper than tokens); a bigger one is handed to the token parser, which
 * assembles it without holding its text as well. Real workspaces are far smaller.
 */
export const WHOLE_ELEMENT_MAX_CHARS = 8 * 1024 * 1024;

export interface ParseOptions {
  /** Default WHOLE_ELEMENT_MAX_CHARS. */
  wholeElementMaxChars?: number;
}

/** stream-chain's "no value / flush" marker: a registered symbol, so it is shared across copies of the library. */
const NONE = Symbol.for('object-stream.none');

type ArrayKind = 'workspaces' | 'datasourceinstances' | 'misconfigureddatasourceinstances';
const ARRAYS = new Set<string>(['workspaces', 'datasourceinstances', 'misconfigureddatasourceinstances']);

/**
 * Streams a scanResult body (WorkspaceInfoResponse) and yields each workspace and datasource
 * instance as soon as its closing brace is read, so memory holds one workspace at a time, not the
 * whole (possibly hundreds of MB) document. Top-level keys are matched case-insensitively; other
 * top-level keys are skipped without being assembled. A JsonGuard in front bounds strings,
 * numbers, nesting and the size of each element (`limits`); an element over a limit comes out as
 * `over-limit` instead of being assembled.
 *
 * Each element of the three arrays is cut out of the text (the guard marks where it begins and
 * ends) and parsed with JSON.parse; the token parser sees the rest of the document, with `{}` in
 * place of each such element, so the document's own structure is still checked token by token.
 */
export async function* parseScanResult(
  body: AsyncIterable<Buffer | string>,
  limits: ScanResultLimits = DEFAULT_SCAN_RESULT_LIMITS,
  options: ParseOptions = {},
): AsyncGenerator<ScanResultItem> {
  const decoder = new TextDecoder('utf-8');
  const reader = new ScanResultReader(limits, options.wholeElementMaxChars ?? WHOLE_ELEMENT_MAX_CHARS);
  try {
    for await (const chunk of body) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text !== '') yield* reader.feed(text);
    }
    const rest = decoder.decode();
    if (rest !== '') yield* reader.feed(rest);
    yield* reader.flush();
  } catch (error) {
    if (error instanceof Error && /^Parser\b/.test(error.message))
      throw new ScanResultFormatError(error.message);
    throw error;
  }
  reader.checkComplete();
}

/** The text of the element being cut out, piece by piece (chunks end anywhere). */
interface WholeElement {
  pieces: string[];
  chars: number;
}

/** Guard, token parser and walker, plus the element being cut out of the text, if any. */
class ScanResultReader {
  private readonly guard: JsonGuard;
  private readonly tokenizer = jsonParser({ packValues: true, streamValues: false });
  private readonly walker = new ScanResultWalker();
  private whole: WholeElement | undefined;

  constructor(
    limits: ScanResultLimits,
    private readonly wholeMaxChars: number,
  ) {
    this.guard = new JsonGuard(limits, { marks: true });
  }

  feed(text: string): ScanResultItem[] {
    for (const piece of this.guard.scan(text)) {
      if (typeof piece === 'string') this.text(piece);
      else if ('detail' in piece) this.overLimit(piece);
      else this.mark(piece);
    }
    return this.walker.take();
  }

  /** The end of the body: tokens the parser still held back. */
  flush(): ScanResultItem[] {
    this.tokens(NONE as unknown as string);
    return this.walker.take();
  }

  checkComplete(): void {
    if (!this.walker.complete)
      throw new ScanResultFormatError('the scan result ended before its closing brace (truncated)');
    // Deleted workspaces are listed with their state, so a result lacking the list is damaged, not
    // "everything was deleted": reading it as the latter would tombstone the whole batch.
    if (!this.walker.sawWorkspaces)
      throw new ScanResultFormatError('the scan result has no "workspaces" array');
  }

  private text(piece: string): void {
    const whole = this.whole;
    if (whole === undefined) {
      if (piece !== '') this.tokens(piece);
      return;
    }
    whole.pieces.push(piece);
    whole.chars += piece.length;
    if (whole.chars > this.wholeMaxChars) this.toTokens();
  }

  private mark(mark: ElementMark): void {
    if (mark.kind === 'element-start') {
      if (this.walker.expectsElement()) this.whole = { pieces: [], chars: 0 };
      return;
    }
    const whole = this.whole;
    if (whole === undefined) return; // read token by token: the walker has finished it already
    this.whole = undefined;
    this.walker.nextElementIs(parseElement(whole.pieces));
    this.tokens('{}');
  }

  /** A limit crossed in the element being cut out: the tokens follow the rest of it (for its id). */
  private overLimit(event: LimitEvent): void {
    if (this.whole !== undefined) this.toTokens();
    this.walker.overLimit(event);
  }

  /** The element read so far goes to the token parser, and so does the rest of it. */
  private toTokens(): void {
    const pieces = this.whole?.pieces ?? [];
    this.whole = undefined;
    for (const piece of pieces) this.tokens(piece);
  }

  private tokens(text: string): void {
    const output: unknown = this.tokenizer(text);
    if (output === NONE) return;
    for (const token of (output as { values: Token[] }).values) this.walker.push(token);
  }
}

function parseElement(pieces: string[]): unknown {
  try {
    return JSON.parse(pieces.length === 1 ? pieces[0]! : pieces.join(''));
  } catch {
    // (The engine's message quotes the text around the error; the body's content stays out of logs.)
    throw new ScanResultFormatError('the scan result is not valid JSON (in an element of one of its arrays)');
  }
}

/** The array element being read: parsed whole, assembled, or (once over a limit) only followed to its end. */
interface Element {
  assembler: Assembler | undefined;
  /** Set when the element was parsed whole; the walker then sees `{}` in its place. */
  parsed?: { value: unknown };
  /** Its `id`, watched at its top level so it is known even when it is not assembled. */
  id?: string;
  idNext: boolean;
  problem?: string;
}

/** Token-level state machine: depth tracking plus one Assembler for the element being read. */
class ScanResultWalker {
  private depth = 0;
  private rootSeen = false;
  complete = false;
  sawWorkspaces = false;
  private topKey: string | undefined;
  private array: ArrayKind | undefined;
  private element: Element | undefined;
  private nextParsed: { value: unknown } | undefined;
  private ready: ScanResultItem[] = [];

  push(token: Token): void {
    const element = this.element;
    if (element) {
      element.assembler?.consume(token);
      this.track(token);
      if (this.depth === 3) watchId(element, token);
      else if (this.depth === 2) this.finishElement(element);
      return;
    }
    this.track(token);
    if (this.depth === 1 && !this.rootSeen) this.startRoot(token);
    else if (this.depth === 0 && this.rootSeen) this.endRoot(token);
    else this.atLevel(token);
  }

  /** True between the elements of one of the three arrays: the next value is one of its elements. */
  expectsElement(): boolean {
    return this.depth === 2 && this.array !== undefined && this.element === undefined;
  }

  /** The next element's value, parsed whole: the tokens that follow stand in for it (`{}`). */
  nextElementIs(value: unknown): void {
    this.nextParsed = { value };
  }

  /** A limit crossed at the current place in the text: fails the element being read, if any. */
  overLimit(event: LimitEvent): void {
    const element = this.element;
    if (!element) return; // outside the arrays' elements nothing is assembled: the cut alone bounds it
    element.problem ??= event.detail;
    element.assembler = undefined;
  }

  take(): ScanResultItem[] {
    const items = this.ready;
    if (items.length > 0) this.ready = [];
    return items;
  }

  private track(token: Token): void {
    if (token.name === 'startObject' || token.name === 'startArray') this.depth += 1;
    else if (token.name === 'endObject' || token.name === 'endArray') this.depth -= 1;
  }

  private startRoot(token: Token): void {
    if (token.name !== 'startObject') throw new ScanResultFormatError('the scan result is not a JSON object');
    this.rootSeen = true;
  }

  private endRoot(token: Token): void {
    if (token.name === 'endObject') this.complete = true;
  }

  /** Tokens outside any element being assembled. Depth is already updated for this token. */
  private atLevel(token: Token): void {
    if (this.depth === 1 && token.name === 'keyValue') {
      this.topKey = token.value.toLowerCase();
      return;
    }
    if (
      this.depth === 2 &&
      token.name === 'startArray' &&
      this.topKey !== undefined &&
      ARRAYS.has(this.topKey)
    ) {
      this.array = this.topKey as ArrayKind;
      if (this.array === 'workspaces') this.sawWorkspaces = true;
      return;
    }
    if (this.depth === 1 && token.name === 'endArray') {
      this.array = undefined;
      return;
    }
    if (this.array === undefined || this.depth < 2) return;
    if (this.depth === 3 && (token.name === 'startObject' || token.name === 'startArray')) {
      const parsed = this.nextParsed;
      this.nextParsed = undefined;
      if (parsed) {
        this.element = { assembler: undefined, parsed, idNext: false };
        return;
      }
      // (An array where an object was expected is read too, to keep depth right, and reported.)
      const assembler = new Assembler();
      assembler.consume(token);
      this.element = { assembler, idNext: false };
      return;
    }
    if (this.depth === 2) this.malformed(`a ${token.name} instead of an object`);
  }

  private finishElement(element: Element): void {
    this.element = undefined;
    const array = this.array ?? 'workspaces';
    if (element.problem !== undefined) {
      this.ready.push({
        kind: 'over-limit',
        array,
        ...(element.id !== undefined && { id: element.id }),
        detail: element.problem,
      });
      return;
    }
    const value: unknown = element.parsed ? element.parsed.value : element.assembler?.current;
    if (!isObject(value)) {
      this.malformed('an array instead of an object');
      return;
    }
    if (array === 'workspaces') {
      const id = stringField(value, 'id');
      if (!id) this.malformed('a workspace without an id');
      else
        this.ready.push({
          kind: 'workspace',
          workspace: value.id === id ? (value as ScanWorkspace) : { ...value, id },
        });
      return;
    }
    this.ready.push({
      kind: 'datasource-instance',
      instance: value,
      misconfigured: array === 'misconfigureddatasourceinstances',
    });
  }

  private malformed(detail: string): void {
    this.ready.push({ kind: 'malformed', array: this.array ?? 'workspaces', detail });
  }
}

/** Keeps the element's `id` (a string member at its top level); called for tokens at that level. */
function watchId(element: Element, token: Token): void {
  if (token.name === 'keyValue') element.idNext = token.value === 'id';
  else {
    if (element.idNext && token.name === 'stringValue' && element.id === undefined) element.id = token.value;
    element.idNext = false;
  }
}
