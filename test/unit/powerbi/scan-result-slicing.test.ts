/**
 * The scan-result parser cuts each element of the three arrays out of the text and parses it with
 * JSON.parse; the token parser reads the rest, and any element over wholeElementMaxChars. These
 * tests check the cut wherever a chunk ends (inside strings, escapes, multi-byte characters and
 * surrogate pairs) against the token parser alone (wholeElementMaxChars 0: every element is read
 * token by token, as before the cut existed).
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { JsonGuard, type GuardPiece } from '../../../src/powerbi/json-guard.js';
import { DEFAULT_SCAN_RESULT_LIMITS, type ScanResultLimits } from '../../../src/powerbi/limits.js';
import {
  parseScanResult,
  ScanResultFormatError,
  type ScanResultItem,
} from '../../../src/powerbi/scan-result-parser.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);

async function parse(
  chunks: (Buffer | string)[],
  limits: ScanResultLimits = DEFAULT_SCAN_RESULT_LIMITS,
  wholeElementMaxChars?: number,
): Promise<ScanResultItem[]> {
  const items: ScanResultItem[] = [];
  const options = wholeElementMaxChars === undefined ? {} : { wholeElementMaxChars };
  for await (const item of parseScanResult(
    Readable.from(chunks, { objectMode: true }) as AsyncIterable<Buffer | string>,
    limits,
    options,
  ))
    items.push(item);
  return items;
}

/** The items, or the kind of failure: what two reads of one body must agree on. */
async function outcome(
  chunks: (Buffer | string)[],
  limits?: ScanResultLimits,
  wholeElementMaxChars?: number,
): Promise<unknown> {
  try {
    return await parse(chunks, limits, wholeElementMaxChars);
  } catch (error) {
    return { failed: error instanceof ScanResultFormatError ? 'format' : String(error) };
  }
}

/** Text that tempts a lexical scan: quotes, backslashes, brackets, control and astral characters. */
const trickyText = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({
    unit: fc.constantFrom('"', '\\', '{', '}', '[', ']', ',', ':', 'é', '财', '😀', '\n', '\u0001', 'u'),
  }),
);

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    trickyText,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(trickyText, tie('value'), { maxKeys: 3 }),
  ),
})).value;

const workspace = fc.record({ id: trickyText, name: trickyText, reports: fc.array(value, { maxLength: 2 }) });

/** A scan result with a few odd top-level members, serialized with or without extra whitespace. */
const document = fc
  .record({
    workspaces: fc.array(fc.oneof(workspace, workspace, fc.constant(null)), { maxLength: 4 }),
    datasourceInstances: fc.array(fc.dictionary(trickyText, value, { maxKeys: 3 }), { maxLength: 2 }),
    other: value,
    pretty: fc.boolean(),
  })
  .map(({ pretty, other, ...result }) =>
    JSON.stringify({ other, ...result, MisconfiguredDatasourceInstances: [other] }, null, pretty ? 1 : 0),
  );

/** The body split at `at`, as bytes (cutting multi-byte characters) or as text (cutting surrogate pairs). */
function splitAt(text: string, at: number, asBytes: boolean): (Buffer | string)[] {
  if (!asBytes) return [text.slice(0, at), text.slice(at)];
  const bytes = Buffer.from(text, 'utf8');
  return [bytes.subarray(0, at), bytes.subarray(at)];
}

describe('parseScanResult cuts elements out of the text', () => {
  it('gives the token parser’s items for a body split at every offset, as bytes or as text', async () => {
    await fc.assert(
      fc.asyncProperty(document, fc.boolean(), async (text, asBytes) => {
        const expected = await outcome([text], DEFAULT_SCAN_RESULT_LIMITS, 0);
        expect(expected).not.toHaveProperty('failed');
        const length = asBytes ? Buffer.byteLength(text) : text.length;
        for (let at = 0; at <= length; at += 1) {
          expect(await outcome(splitAt(text, at, asBytes))).toEqual(expected);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('agrees with the token parser under small limits, tiny chunks and any whole-element size', async () => {
    const limits = fc.record({
      elementChars: fc.integer({ min: 1, max: 400 }),
      depth: fc.integer({ min: 1, max: 8 }),
      stringChars: fc.integer({ min: 1, max: 40 }),
      numberChars: fc.integer({ min: 1, max: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(
        document,
        limits,
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 500 }),
        async (text, custom, chunkChars, wholeMax) => {
          const pieces: string[] = [];
          for (let at = 0; at < text.length; at += chunkChars) pieces.push(text.slice(at, at + chunkChars));
          const tokens = await outcome(pieces, custom, 0);
          expect(await outcome(pieces, custom)).toEqual(tokens);
          expect(await outcome(pieces, custom, wholeMax)).toEqual(tokens);
        },
      ),
      { numRuns: RUNS * 5 },
    );
  });

  it('reads an element bigger than wholeElementMaxChars with the token parser, to the same value', async () => {
    const big = {
      id: 'big',
      tables: Array.from({ length: 2000 }, (_, i) => ({ name: `t${i}`, x: 'é"\\'.repeat(i % 7) })),
    };
    const text = JSON.stringify({ workspaces: [{ id: 'a' }, big, { id: 'c' }] });
    const items = await parse([text], DEFAULT_SCAN_RESULT_LIMITS, 10_000);
    expect(items).toEqual([
      { kind: 'workspace', workspace: { id: 'a' } },
      { kind: 'workspace', workspace: big },
      { kind: 'workspace', workspace: { id: 'c' } },
    ]);
  });

  it('fails a body whose element is not JSON, without quoting the body in the message', async () => {
    for (const bad of ['{"id":"a",}', '{"id":"secret-ish-text" "x":1}', '{"id":"a"]']) {
      const run = parse([`{"workspaces":[{"id":"ok"},${bad}]}`]);
      await expect(run).rejects.toBeInstanceOf(ScanResultFormatError);
      await expect(run).rejects.not.toThrow(/secret-ish|"id"/);
    }
  });
});

describe('JsonGuard element marks', () => {
  it('mark exactly the values opened at depth 2, whatever the chunks, and change no text', () => {
    fc.assert(
      fc.property(document, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const guard = new JsonGuard(DEFAULT_SCAN_RESULT_LIMITS, { marks: true });
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const pieces: GuardPiece[] = [];
        let from = 0;
        for (const at of [...points, text.length]) {
          pieces.push(...guard.scan(text.slice(from, at)));
          from = at;
        }
        let passed = '';
        let element: string | undefined;
        const elements: unknown[] = [];
        for (const piece of pieces) {
          if (typeof piece === 'string') {
            passed += piece;
            if (element !== undefined) element += piece;
          } else if (piece.kind === 'element-start') element = '';
          else if (piece.kind === 'element-end') {
            elements.push(JSON.parse(element!));
            element = undefined;
          } else throw new Error(`no limit was crossed, yet: ${piece.kind}`);
        }
        expect(passed).toBe(text);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        const expected = Object.values(parsed).flatMap((member) =>
          typeof member === 'object' && member !== null
            ? Object.values(member).filter((inner: unknown) => typeof inner === 'object' && inner !== null)
            : [],
        );
        expect(elements).toEqual(expected);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});
