import fc from 'fast-check';
import { JsonGuard, jsonDepthExceeds, type GuardPiece } from '../../../src/powerbi/json-guard.js';
import { DEFAULT_SCAN_RESULT_LIMITS, type ScanResultLimits } from '../../../src/powerbi/limits.js';

/** Runs the guard over `text` cut at the given points; returns the text passed on and the events. */
function guard(text: string, limits: Partial<ScanResultLimits> = {}, cuts: number[] = []) {
  const g = new JsonGuard({ ...DEFAULT_SCAN_RESULT_LIMITS, ...limits });
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: GuardPiece[] = [];
  let from = 0;
  for (const at of [...points, text.length]) {
    pieces.push(...g.scan(text.slice(from, at)));
    from = at;
  }
  const passed = pieces.filter((p): p is string => typeof p === 'string').join('');
  const events = pieces.filter((p) => typeof p !== 'string').map((p) => (p as { kind: string }).kind);
  return { passed, events };
}

/** Nesting depth, longest string or key (as JSON text, quotes excluded) and longest number of a value. */
function measure(value: unknown, depth = 0): { depth: number; longestString: number; longestNumber: number } {
  const own = (s: string) => JSON.stringify(s).length - 2;
  if (typeof value === 'string') return { depth, longestString: own(value), longestNumber: 0 };
  if (typeof value === 'number')
    return { depth, longestString: 0, longestNumber: JSON.stringify(value).length };
  if (value === null || typeof value !== 'object') return { depth, longestString: 0, longestNumber: 0 };
  const result = { depth: depth + 1, longestString: 0, longestNumber: 0 };
  for (const [key, child] of Object.entries(value)) {
    const inner = measure(child, depth + 1);
    result.depth = Math.max(result.depth, inner.depth);
    result.longestString = Math.max(
      result.longestString,
      inner.longestString,
      Array.isArray(value) ? 0 : own(key),
    );
    result.longestNumber = Math.max(result.longestNumber, inner.longestNumber);
  }
  return result;
}

const small: ScanResultLimits = { elementChars: 200, depth: 6, stringChars: 20, numberChars: 8 };

describe('JsonGuard', () => {
  it('passes any JSON within the limits through unchanged, however it is chunked', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.nat(), { maxLength: 8 }), (value, cuts) => {
        const text = JSON.stringify({ workspaces: [value, { id: 'x', v: value }] });
        const { passed, events } = guard(text, {}, cuts);
        expect(events).toEqual([]);
        expect(passed).toBe(text);
      }),
    );
  });

  it('always passes on valid JSON, with events exactly when a small limit is crossed', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), fc.array(fc.nat(), { maxLength: 8 }), (value, cuts) => {
        const text = JSON.stringify({ workspaces: [{ id: 'a', value }, { id: 'b' }] });
        const { passed, events } = guard(text, small, cuts);
        // Whatever was cut, the tokenizer still gets well-formed JSON with the same top level.
        const parsed = JSON.parse(passed) as { workspaces: { id: string }[] };
        expect(parsed.workspaces.map((w) => w.id)).toEqual(['a', 'b']);
        const found = measure({ workspaces: [{ id: 'a', value }, { id: 'b' }] });
        const expected = new Set<string>();
        if (found.depth > small.depth) expected.add('depth');
        else {
          // (Below the depth limit nothing is skipped, so every long string or number is seen.)
          if (found.longestString > small.stringChars) expected.add('string');
          if (found.longestNumber > small.numberChars) expected.add('number');
        }
        const cutsMade = new Set(events.filter((e) => e !== 'element'));
        // A string whose last escape sequence (up to 6 characters) crosses the limit may end uncut.
        const stringEither =
          found.longestString > small.stringChars && found.longestString <= small.stringChars + 5;
        if (stringEither && cutsMade.has('string')) expected.add('string');
        if (stringEither && !cutsMade.has('string')) expected.delete('string');
        if (found.depth > small.depth) expect(cutsMade.has('depth')).toBe(true);
        else expect(cutsMade).toEqual(expected);
        if (cutsMade.size === 0) expect(passed).toBe(text);
        else expect(passed).not.toBe(text);
      }),
    );
  });

  it('cuts a long string at the limit, never inside an escape, and skips the rest', () => {
    const long = 'é\\u00e9\\n'.repeat(50);
    const text = `{"workspaces":[{"id":"w","s":"${long}","t":"ok"}]}`;
    const { passed, events } = guard(text, { stringChars: 20 }, [30, 31, 90]);
    expect(events).toEqual(['string']);
    const parsed = JSON.parse(passed) as { workspaces: { s: string; t: string }[] };
    expect(parsed.workspaces[0]!.t).toBe('ok');
    expect(parsed.workspaces[0]!.s.length).toBeLessThanOrEqual(20);
  });

  it('replaces a value nested deeper than the limit by null without keeping its depth', () => {
    const depth = 100_000;
    const text = `{"workspaces":[{"id":"w","deep":${'['.repeat(depth)}"]}"${']'.repeat(depth)},"after":1}]}`;
    const { passed, events } = guard(text, { depth: 64 }, [20_000, 150_000]);
    expect(events).toEqual(['depth']);
    expect(passed.length).toBeLessThan(200);
    // Levels 1-3 are the document, its array and the workspace: 61 arrays fit below, then null.
    let kept: unknown = null;
    for (let level = 4; level <= 64; level += 1) kept = [kept];
    expect(JSON.parse(passed)).toEqual({ workspaces: [{ id: 'w', deep: kept, after: 1 }] });
  });

  it('cuts an overlong number and reports an element over its size once', () => {
    const number = guard('{"workspaces":[{"id":"w","n":12345678901234567890,"m":2}]}', { numberChars: 8 });
    expect(number.events).toEqual(['number']);
    expect(JSON.parse(number.passed)).toEqual({ workspaces: [{ id: 'w', n: 12345678, m: 2 }] });
    const big = `{"workspaces":[{"id":"w","s":"${'x'.repeat(500)}","t":"${'y'.repeat(500)}"},{"id":"v"}]}`;
    const element = guard(big, { elementChars: 300 }, [7, 333, 700]);
    expect(element.events).toEqual(['element']);
    expect(element.passed).toBe(big); // the walker drops the element; the text stays whole
  });
});

describe('jsonDepthExceeds', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(jsonDepthExceeds('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(jsonDepthExceeds('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(jsonDepthExceeds(`{"a":"${'['.repeat(1000)}\\"["}`, 1)).toBe(false);
    expect(jsonDepthExceeds('['.repeat(1_000_000), 64)).toBe(true);
  });
});
