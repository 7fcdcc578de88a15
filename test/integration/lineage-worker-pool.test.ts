import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCorpus } from '../../scripts/conformance-m.js';
import {
  extractMLineage,
  LineageCache,
  LineageWorkerPool,
  type MExpressionInput,
} from '../../src/lineage/index.js';

// The compiled worker (npm test builds first); TypeScript sources cannot run as a worker under Jest.
const script = pathToFileURL(path.resolve('dist/lineage/worker-entry.js'));

const OWN: MExpressionInput[] = [
  { expression: 'let S = Sql.Database("h", "Sales"), T = S{[Schema="dbo",Item="Orders"]}[Data] in T' },
  {
    expression: 'let S = Base in S{[Schema="s",Item="t"]}[Data]',
    expressions: [{ name: 'Base', expression: 'Sql.Database("a", "One")' }],
  },
  { expression: 'Value.NativeQuery(Snowflake.Databases("x", "WH"){[Name="DB"]}[Data], "select * from S.T")' },
  { expression: 'let in' },
  { expression: 'SUMMARIZE(Sales, Sales[Region])' },
];

function inputs(): MExpressionInput[] {
  const corpus = (loadCorpus() ?? []).map((item) => ({
    expression: item.expression,
    ...(item.shared_expressions && { expressions: item.shared_expressions }),
    ...(item.parameters && { parameters: item.parameters }),
  }));
  return [...OWN, ...corpus];
}

describe('lineage worker pool', () => {
  test('workers give exactly what the calling thread gives, in order, however the inputs are grouped', async () => {
    const pool = new LineageWorkerPool({ threads: 2, script });
    try {
      const all = inputs();
      const inThread = await Promise.all(all.map((input) => extractMLineage(input, new LineageCache())));
      const byDataset = await Promise.all(
        [0, 1, 2, 3, 4].map((d) =>
          pool.analyse(
            all.filter((_, i) => i % 5 === d),
            `dataset-${d}`,
          ),
        ),
      );
      const pooled = all.map((_, i) => byDataset[i % 5]![Math.floor(i / 5)]);
      const roundRobin = (await Promise.all(all.map((input) => pool.analyse([input])))).flat();
      const together = await pool.analyse(all);
      expect(together).toEqual(inThread);
      expect(pooled).toEqual(inThread);
      expect(roundRobin).toEqual(inThread);
      expect(inThread.some((result) => result.upstreams.length > 0)).toBe(true);
      expect(inThread.some((result) => result.diagnostics.length > 0)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  test('a worker that dies fails the analyses it held with an error, and does not hang', async () => {
    // A 1 MB heap cannot even load the parsers: the worker stops with an out-of-memory error.
    const pool = new LineageWorkerPool({ threads: 1, script, maxHeapMb: 1 });
    try {
      const first = OWN[0]!;
      await expect(pool.analyse([first])).rejects.toThrow(/memory|exit code/i);
      await expect(pool.analyse([first])).rejects.toThrow(/memory|exit code/i);
    } finally {
      await pool.close();
    }
  });

  test('after close, analyses are refused', async () => {
    const pool = new LineageWorkerPool({ threads: 1, script });
    const first = OWN[0]!;
    expect((await pool.analyse([first]))[0]?.upstreams.length).toBeGreaterThan(0);
    await pool.close();
    await expect(pool.analyse([first])).rejects.toThrow('closed');
  });

  test('a pool needs at least one thread', () => {
    expect(() => new LineageWorkerPool({ threads: 0, script })).toThrow('at least one thread');
  });
});
