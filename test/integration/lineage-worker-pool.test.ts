import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { jest } from '@jest/globals';
import { loadCorpus } from '../../scripts/conformance-m.js';
import {
  extractMLineage,
  LineageCache,
  LineageWorkerPool,
  type MExpressionInput,
} from '../../src/lineage/index.js';
import type { ScanWorkspace } from '../../src/powerbi/scan-types.js';
import { lineageStream } from '../../src/streams/lineage.js';
import type { MappingContext } from '../../src/streams/stream.js';

// The compiled worker (npm test builds first); TypeScript sources cannot run as a worker under Jest.
const script = pathToFileURL(path.resolve('dist/lineage/runtime/worker-entry.js'));

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

/** Before the analysis limits, each of these overflowed the stack, or ran for minutes, or crashed the analysis. */
const HOSTILE: string[] = [
  `let S = ${'{'.repeat(5_000)}${'}'.repeat(5_000)} in S`,
  `${'('.repeat(100_000)}1${')'.repeat(100_000)}`,
  `Value.NativeQuery(Sql.Database("h", "db"), "select a${', a'.repeat(333_400)} from t")`,
  `let L = {${Array.from({ length: 110_000 }, () => '"abcdefgh"').join(',')}} in L`,
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

  test('a worker that dies gives analysis_failed for the request it held, and does not hang', async () => {
    // A 1 MB heap cannot even load the parsers: each worker stops with an out-of-memory error.
    const pool = new LineageWorkerPool({ threads: 1, script, maxHeapMb: 1 });
    try {
      const first = OWN[0]!;
      const failed = {
        upstreams: [],
        diagnostics: [
          { kind: 'analysis_failed', message: expect.stringMatching(/memory|exit code/i) as unknown },
        ],
      };
      await expect(pool.analyse([first, first])).resolves.toEqual([failed, failed]);
      await expect(pool.analyse([first])).resolves.toEqual([failed]);
    } finally {
      await pool.close();
    }
  });

  test('an expression that kills its worker costs only its dataset: the ones queued behind it go to a new worker', async () => {
    // 20,000 records in a list: a parse tree far beyond a 32 MB heap (normal datasets need under 16 MB).
    const killer = { expression: `{${Array(20_000).fill('[a=1,b=2,c=3,d=4]').join(', ')}}` };
    const pool = new LineageWorkerPool({ threads: 1, script, maxHeapMb: 32 });
    try {
      const good = OWN[0]!;
      const [before, killed, after, later] = await Promise.all([
        pool.analyse([good], 'dataset-a'),
        pool.analyse([killer, good], 'dataset-b'),
        pool.analyse([good], 'dataset-c'),
        pool.analyse([OWN[1]!], 'dataset-d'),
      ]);
      const lineage = await extractMLineage(good, new LineageCache());
      expect(before).toEqual([lineage]);
      expect(killed?.map((result) => result.diagnostics.map((d) => d.kind))).toEqual([
        ['analysis_failed'],
        ['analysis_failed'],
      ]);
      expect(killed?.[0]?.diagnostics[0]?.message).toMatch(/worker .* stopped/);
      expect(after).toEqual([lineage]);
      expect(later?.[0]?.upstreams.map((u) => u.qualifiedName)).toEqual(['one.s.t']);
    } finally {
      await pool.close();
    }
  });

  test('pathological expressions get limit_exceeded in a worker, which survives and prints nothing', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    });
    const pool = new LineageWorkerPool({ threads: 1, script });
    try {
      const good = OWN[0]!;
      const hostile = HOSTILE.map((expression) => ({ expression }));
      const started = Date.now();
      const [bad, fine] = await Promise.all([
        pool.analyse([...hostile, good], 'bad-dataset'),
        pool.analyse([good], 'good-dataset'),
      ]);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(bad?.slice(0, -1).map((result) => result.diagnostics.map((d) => d.kind))).toEqual(
        HOSTILE.map(() => ['limit_exceeded']),
      );
      const lineage = await extractMLineage(good, new LineageCache());
      expect(bad?.at(-1)).toEqual(lineage);
      expect(fine).toEqual([lineage]);
      // The same worker answers: it did not die (a dead one fails the request it held).
      expect(await pool.analyse([good], 'bad-dataset')).toEqual([lineage]);
      expect(written.join('')).not.toMatch(/RangeError|PromiseRejectCallback|exit code/);
    } finally {
      spy.mockRestore();
      await pool.close();
    }
  });

  test("a read's lineage records: the table with pathological M gets an unresolved edge with the diagnostic, the others their edges", async () => {
    const pool = new LineageWorkerPool({ threads: 2, script });
    const ctx: MappingContext = {
      scannedAt: '2024-05-01T00:00:00.000Z',
      userIdentifiers: 'keep',
      lineage: { enabled: true, analyser: pool },
    };
    const table = (name: string, expression: string) => ({ name, source: [{ expression }] });
    const ws: ScanWorkspace = {
      id: 'ws-1',
      datasets: [
        {
          id: 'ds-hostile',
          name: 'Hostile',
          tables: [table('Deep', HOSTILE[0]!), table('Fine', OWN[0]!.expression)],
        },
        { id: 'ds-good', name: 'Good', tables: [table('Orders', OWN[2]!.expression)] },
      ],
    };
    try {
      const records = [];
      for await (const record of lineageStream.fromWorkspace!(ws, ctx)) records.push(record);
      const summary = records.map((r) => ({
        source: `${String(r['sourceId'])}/${String(r['sourceTableName'])}`,
        targetType: r['targetType'],
        target: (r['upstream'] as { qualifiedName?: string } | null)?.qualifiedName ?? null,
        kinds: (r['diagnostics'] as { kind: string }[] | null)?.map((d) => d.kind) ?? null,
      }));
      expect(summary).toEqual([
        { source: 'ds-hostile/Deep', targetType: 'unresolved', target: null, kinds: ['limit_exceeded'] },
        { source: 'ds-hostile/Fine', targetType: 'external_table', target: 'sales.dbo.orders', kinds: null },
        { source: 'ds-good/Orders', targetType: 'external_table', target: 'db.s.t', kinds: null },
      ]);
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
