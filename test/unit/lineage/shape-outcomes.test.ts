/**
 * Texts of one shape parse alike: after one text of a shape, parseM gives the next one's tree,
 * repairs or failure from what the first left in the template store, and that is exactly what a
 * fresh parse of the next text gives.
 */
import * as PQP from '@microsoft/powerquery-parser';
import { extractMLineage, LineageCache, DEFAULT_ANALYSIS_LIMITS } from '../../../src/lineage/index.js';
import { templateShape } from '../../../src/lineage/m/m-template.js';
import {
  parseM,
  type MAst,
  type ParseOutcome,
  type ShapeProblem,
  type TemplateStore,
} from '../../../src/lineage/m/parse-m.js';

/** A store that keeps everything, so a test can see what a parse left for its shape. */
class OpenStore implements TemplateStore {
  readonly trees = new Map<string, MAst>();
  readonly problems = new Map<string, ShapeProblem>();
  problemsUsed = 0;
  get = (key: string): MAst | undefined => this.trees.get(key);
  set = (key: string, ast: MAst): void => void this.trees.set(key, ast);
  problemOf = (key: string): ShapeProblem | undefined => {
    const problem = this.problems.get(key);
    if (problem !== undefined) this.problemsUsed += 1;
    return problem;
  };
  setProblem = (key: string, problem: ShapeProblem): void => void this.problems.set(key, problem);
}

function keyOf(text: string): string {
  const lexed = PQP.TaskUtils.tryLex(PQP.DefaultSettings, text);
  if (!PQP.TaskUtils.isLexStageOk(lexed)) throw new Error(`does not lex: ${text}`);
  return templateShape(lexed.lexerSnapshot.tokens, text).key;
}

/** An outcome without token positions (a reused tree keeps the first text's). */
function comparable(outcome: ParseOutcome): unknown {
  return JSON.parse(
    JSON.stringify(outcome, (key, value: unknown) => (key === 'tokenRange' ? undefined : value)),
  );
}

const REPAIRED = [
  'let\n  A = Sql.Database("h", "One"),\n  B = Table.RenameColumns(A,)\nin\n  B',
  'let\n  Src = Sql.Database("other", "Two"),\n  Renamed = Table.RenameColumns(Src,)\nin\n  Renamed',
];

const TWO_COMMAS = [
  'let S = Table.Combine({Sql.Database("a", "b", [Query="select 1",]),}) in S',
  'let T = Table.Combine({Sql.Database("c", "d", [Query="select 22",]),}) in T',
];

const BROKEN = [
  'let\n  Source = Sql.Database(Server, Db),\n  T = Table.RemoveColumns(dbo_Sales Details,{"x"})\nin\n  T',
  'let\n  Src = Sql.Database(S, D),\n  Out = Table.RemoveColumns(raw_Budget Lines,{"y"})\nin\n  Out',
];

describe('one parse per shape: trees, repairs and failures', () => {
  test.each([
    ['a stray comma', REPAIRED],
    ['two stray commas', TWO_COMMAS],
  ])(
    'texts with %s: the next text is repaired as the first was, and equals a fresh parse',
    async (_, texts) => {
      const [first, next] = texts as [string, string];
      expect(keyOf(next)).toBe(keyOf(first));
      const store = new OpenStore();
      const firstOutcome = await parseM(first, store);
      expect(firstOutcome.ok && firstOutcome.repairs.length).toBeGreaterThan(0);
      expect(store.problems.get(keyOf(first))).toEqual({ commas: expect.any(Array) as unknown });
      // The repaired text's tree is kept under the repaired text's own shape.
      expect(store.trees.size).toBe(1);
      const reused = await parseM(next, store);
      const fresh = await parseM(next);
      expect(comparable(reused)).toEqual(comparable(fresh));
    },
  );

  test('texts that do not parse: the next text gets the failure a fresh parse gives', async () => {
    const [first, next] = BROKEN as [string, string];
    expect(keyOf(next)).toBe(keyOf(first));
    const store = new OpenStore();
    const firstOutcome = await parseM(first, store);
    expect(firstOutcome.ok).toBe(false);
    expect(store.problems.get(keyOf(first))).toEqual({
      failure: (firstOutcome as { message: string }).message,
    });
    expect(await parseM(next, store)).toEqual(await parseM(next));
    expect(store.problemsUsed).toBe(1);
  });

  test('a parse stopped by its time budget is not remembered for the shape', async () => {
    const store = new OpenStore();
    const outcome = await parseM(BROKEN[0]!, store, { ...DEFAULT_ANALYSIS_LIMITS, timeBudgetMs: 0 });
    expect(outcome).toMatchObject({ ok: false, limitExceeded: true });
    expect(store.problems.size).toBe(0);
    expect(store.trees.size).toBe(0);
  });

  test('lineage through a remembered repair or failure is the lineage of a fresh analysis', async () => {
    for (const texts of [REPAIRED, TWO_COMMAS, BROKEN]) {
      const warm = new LineageCache();
      for (const expression of texts) {
        const reused = await extractMLineage({ expression }, warm);
        expect(reused).toEqual(await extractMLineage({ expression }, new LineageCache()));
      }
      const last = await extractMLineage({ expression: texts[1]! }, warm);
      expect(last.diagnostics.length).toBeGreaterThan(0);
    }
  });
});
