import Assembler from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { JsonGuard, type LimitEvent } from './json-guard.js';
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

/** stream-chain's "no value / flush" marker: a registered symbol, so it is shared across copies of the library. */
const NONE = Symbol.for('object-stream.none');

type ArrayKind = 'workspaces' | 'datasourceinstances' | 'misconfigureddatasourceinstances';
const ARRAYS = new Set<string>(['workspaces', 'datasourceinstances', 'misconfigureddatasourceinstances']);

/**
 * Streams a scanResult body (WorkspaceInfoResponse) and yields each workspace and datasource
 * instance as soon as its closing brace is read, so memory holds one workspace at a time, not the
 * whole (possibly hundreds of MB) document. Top-level keys are matched case-insensitively; other
 * top-level keys are skipped without being assembled. A JsonGuard in front of the tokenizer bounds
 * strings, numbers, nesting and the size of each element (`limits`); an element over a limit comes
 * out as `over-limit` instead of being assembled.
 */
export async function* parseScanResult(
  body: AsyncIterable<Buffer | string>,
  limits: ScanResultLimits = DEFAULT_SCAN_RESULT_LIMITS,
): AsyncGenerator<ScanResultItem> {
  const decoder = new TextDecoder('utf-8');
  const tokenizer = jsonParser({ packValues: true, streamValues: false });
  const guard = new JsonGuard(limits);
  const walker = new ScanResultWalker();
  const tokens = (output: unknown): void => {
    if (output === NONE) return;
    for (const token of (output as { values: Token[] }).values) walker.push(token);
  };
  const feed = (text: string): ScanResultItem[] => {
    for (const piece of guard.scan(text)) {
      if (typeof piece !== 'string') walker.overLimit(piece);
      else if (piece !== '') tokens(tokenizer(piece));
    }
    return walker.take();
  };
  try {
    for await (const chunk of body) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text !== '') yield* feed(text);
    }
    const rest = decoder.decode();
    if (rest !== '') yield* feed(rest);
    tokens(tokenizer(NONE as unknown as string));
    yield* walker.take();
  } catch (error) {
    if (error instanceof Error && /^Parser\b/.test(error.message))
      throw new ScanResultFormatError(error.message);
    throw error;
  }
  if (!walker.complete)
    throw new ScanResultFormatError('the scan result ended before its closing brace (truncated)');
  // Deleted workspaces are listed with their state, so a result lacking the list is damaged, not
  // "everything was deleted": reading it as the latter would tombstone the whole batch.
  if (!walker.sawWorkspaces) throw new ScanResultFormatError('the scan result has no "workspaces" array');
}

/** The array element being read: assembled, or (once over a limit) only followed to its end. */
interface Element {
  assembler: Assembler | undefined;
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

  /** A limit crossed at the current place in the text: fails the element being read, if any. */
  overLimit(event: LimitEvent): void {
    const element = this.element;
    if (!element) return; // outside the arrays' elements nothing is assembled: the cut alone bounds it
    element.problem ??= event.detail;
    element.assembler = undefined;
  }

  take(): ScanResultItem[] {
    const items = this.ready;
    this.ready = [];
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
    const value: unknown = element.assembler?.current;
    if (!isObject(value)) {
      this.malformed('an array instead of an object');
      return;
    }
    if (array === 'workspaces') {
      const id = stringField(value, 'id');
      if (!id) this.malformed('a workspace without an id');
      else this.ready.push({ kind: 'workspace', workspace: { ...value, id } });
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
