import {
  explainLine,
  extractMLineage,
  extractSqlTables,
  LineageCache,
  type MExpressionInput,
  type MLineageResult,
} from '../../../src/lineage/index.js';

/** Generous: each of these ends in well under a second on a quiet machine; before the limits some ran for minutes. */
const BOUND_MS = 10_000;
const SQL = 'Sql.Database("srv", "db")';
const SALES = `${SQL}{[Schema="dbo",Item="Sales"]}[Data]`;

async function timed(
  expression: string,
  extra: Omit<MExpressionInput, 'expression'> = {},
  cache = new LineageCache(),
): Promise<MLineageResult & { ms: number }> {
  const started = Date.now();
  const result = await extractMLineage({ expression, ...extra }, cache);
  return { ...result, ms: Date.now() - started };
}

const kinds = (result: MLineageResult): string[] => result.diagnostics.map((d) => d.kind);
const edges = (result: MLineageResult): string[] =>
  result.upstreams.map((u) => `${u.platform}:${u.qualifiedName}`);

/** `let Source = Sql.Database(…), T = Source{…}[Data], S1 = Table.RemoveColumns(T, {"a"}), … in S<steps>` */
function stepChain(steps: number): string {
  const lines = ['Source = Sql.Database("srv","db")', 'T = Source{[Schema="dbo",Item="Sales"]}[Data]'];
  lines.push('S1 = Table.RemoveColumns(T,{"a"})');
  for (let step = 2; step <= steps; step += 1)
    lines.push(`S${step} = Table.RemoveColumns(S${step - 1},{"a"})`);
  return `let ${lines.join(',\n  ')}\nin S${steps}`;
}

describe('pathological M costs its own lineage, with a diagnostic, never the run', () => {
  test('a list nested 5,000 deep: limit_exceeded naming the nesting limit, no stack overflow', async () => {
    const deep = '{'.repeat(5_000) + '}'.repeat(5_000);
    const result = await timed(`let S = ${SALES}, L = ${deep} in S`);
    expect(kinds(result)).toEqual(['limit_exceeded']);
    expect(result.diagnostics[0]?.message).toMatch(/5,000 deep, more than the 500/);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('100,000 nested parentheses: limit_exceeded at once instead of a parse running for minutes', async () => {
    const result = await timed('('.repeat(100_000) + '1' + ')'.repeat(100_000));
    expect(kinds(result)).toEqual(['limit_exceeded']);
    expect(result.diagnostics[0]?.message).toMatch(/100,000 deep/);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('brackets inside text literals, quoted identifiers and comments do not count as nesting', async () => {
    const noise = '{'.repeat(2_000);
    const expression = `let #"${noise}" = ${SALES}, // ${noise}
      /* ${noise} */ Out = Table.AddColumn(#"${noise}", "c", each "${noise}") in Out`;
    const result = await timed(expression);
    expect(edges(result)).toEqual(['sqlserver:db.dbo.sales']);
    expect(result.diagnostics).toEqual([]);
  });

  test('nesting just under the limit still parses and walks in this thread (the parser no longer overflows ~150 deep)', async () => {
    const lists = await timed(`let S = ${SALES}, L = ${'{'.repeat(499)}${'}'.repeat(499)} in S`);
    expect(edges(lists)).toEqual(['sqlserver:db.dbo.sales']);
    expect(lists.diagnostics).toEqual([]);
    const calls = await timed(`${'Table.Buffer('.repeat(490)}${SALES}${')'.repeat(490)}`);
    expect(edges(calls)).toEqual(['sqlserver:db.dbo.sales']);
    expect(calls.diagnostics).toEqual([]);
    expect(lists.ms + calls.ms).toBeLessThan(BOUND_MS);
  });

  test('an M text over 1 MB: limit_exceeded naming the size limit', async () => {
    const filler = Array.from({ length: 110_000 }, () => '"abcdefgh"').join(',');
    const result = await timed(`let S = ${SALES}, L = {${filler}} in S`);
    expect(kinds(result)).toEqual(['limit_exceeded']);
    expect(result.diagnostics[0]?.message).toMatch(/1,2\d\d,\d{3} characters, more than the 1,048,576/);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('a dataset query over the size limit: limit_exceeded on that query, the rest of the lineage kept', async () => {
    const huge = `{${Array.from({ length: 110_000 }, () => '"abcdefgh"').join(',')}}`;
    const result = await timed(`let L = Huge in Table.Combine({${SALES}, L})`, {
      expressions: [{ name: 'Huge', expression: huge }],
    });
    expect(edges(result)).toEqual(['sqlserver:db.dbo.sales']);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ kind: 'limit_exceeded', parameter: 'Huge' }),
    ]);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('1 MB of native SQL: limit_exceeded on Value.NativeQuery instead of a crash', async () => {
    const sql = `select a${', a'.repeat(333_400)} from dbo.t`;
    expect(sql.length).toBeGreaterThan(1_000_000);
    const result = await timed(`Value.NativeQuery(${SQL}, "${sql}")`);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ kind: 'limit_exceeded', functionName: 'Value.NativeQuery' }),
    ]);
    expect(result.diagnostics[0]?.message).toMatch(/more than the 262,144/);
    expect(result.ms).toBeLessThan(BOUND_MS);
    expect(extractSqlTables(sql, 'sqlserver').diagnostics.map((d) => d.kind)).toEqual(['limit_exceeded']);
  });

  test('a 100 KB chain of ANDs (deep SQL tree) is read; it overflowed the stack before', () => {
    let sql = 'select a from dbo.t where a = 1';
    for (let i = 0; sql.length < 100_000; i += 1) sql += ` and b${i} = ${i}`;
    const started = Date.now();
    expect(extractSqlTables(sql, 'sqlserver')).toEqual({
      tables: [{ schema: 'dbo', table: 't' }],
      diagnostics: [],
    });
    expect(Date.now() - started).toBeLessThan(BOUND_MS);
  });

  test('a 1,000-step query reports its source (every step chain is walked)', async () => {
    const result = await timed(stepChain(1_000));
    expect(edges(result)).toEqual(['sqlserver:db.dbo.sales']);
    expect(result.diagnostics).toEqual([]);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('the 40-step query that used to lose all its lineage silently', async () => {
    const result = await timed(stepChain(40));
    expect(edges(result)).toEqual(['sqlserver:db.dbo.sales']);
    expect(result.diagnostics).toEqual([]);
  });

  test('a genuine cycle through 1,000 steps: cyclic_reference, and the analysis ends', async () => {
    const steps = Array.from(
      { length: 1_000 },
      (_, i) => `a${i} = Table.RemoveColumns(a${(i + 1) % 1_000}, {"x"})`,
    );
    const result = await timed(`let ${steps.join(', ')} in a0`);
    expect(kinds(result)).toEqual(['cyclic_reference']);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('a cycle deep in a long chain is reported like a short one', async () => {
    const chain = stepChain(200).replace('S1 = Table.RemoveColumns(T,', 'S1 = Table.RemoveColumns(S150,');
    const result = await timed(chain);
    expect(kinds(result)).toEqual(['cyclic_reference']);
  });

  test('5,000 nested `each` (no brackets): the walk stops at its depth limit with limit_exceeded', async () => {
    const result = await timed(`${'each '.repeat(5_000)}${SALES}`);
    expect(kinds(result)).toEqual(['limit_exceeded']);
    expect(result.diagnostics[0]?.message).toMatch(/more than 1,000 levels deep/);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('a function calling itself (@f) keeps its lineage without hitting a limit', async () => {
    const result = await timed(
      `let f = (n) => if n < 2 then ${SALES} else Table.Combine({@f(n - 1), @f(n - 2)}) in f(30)`,
    );
    expect(edges(result)).toEqual(['sqlserver:db.dbo.sales']);
    expect(result.diagnostics).toEqual([]);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('text doubled with & 40 times: limit_exceeded instead of a gigabyte string', async () => {
    const steps = Array.from({ length: 40 }, (_, i) => `t${i + 1} = t${i} & t${i}`);
    const result = await timed(
      `let t0 = "select 1 from x ", ${steps.join(', ')} in Value.NativeQuery(${SQL}, t40)`,
    );
    expect(kinds(result)).toContain('limit_exceeded');
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('parsing that outlasts the time budget stops with limit_exceeded', async () => {
    // Microsoft's parser takes time quadratic in a list's length: 30,000 items take ~50 s.
    const cache = new LineageCache({ analysis: { timeBudgetMs: 200 } });
    const result = await timed(`{${Array(30_000).fill('1').join(', ')}}`, {}, cache);
    expect(kinds(result)).toEqual(['limit_exceeded']);
    expect(result.diagnostics[0]?.message).toMatch(/parsing this M text took longer than the 200 ms/);
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('a walk that outlasts the time budget stops with limit_exceeded', async () => {
    // f40 calls f39 twice, which calls f38 twice, …: 2^40 calls.
    const fs = Array.from({ length: 40 }, (_, i) => `f${i + 1} = (x) => Table.Combine({f${i}(x), f${i}(x)})`);
    const expression = `let f0 = (x) => ${SALES}, ${fs.join(', ')} in f40(1)`;
    // The parse shares the budget: warm the parser first (another cache), so that a cold, loaded
    // test worker does not spend the budget in the parse and stop there instead of in the walk.
    expect((await new LineageCache().parse(expression)).ok).toBe(true);
    const cache = new LineageCache({ analysis: { timeBudgetMs: 1_000 } });
    const result = await timed(expression, {}, cache);
    expect(kinds(result)).toEqual(['limit_exceeded']);
    expect(result.diagnostics[0]?.message).toMatch(
      /analysis of this table expression took longer than the 1,000 ms/,
    );
    expect(result.ms).toBeLessThan(BOUND_MS);
  });

  test('any unexpected exception in one analysis becomes analysis_failed for that table only', async () => {
    const hostileOptions = {
      get odbcDsnMap(): never {
        throw new RangeError('Maximum call stack size exceeded');
      },
    };
    const cache = new LineageCache();
    const failed = await extractMLineage({ expression: SALES, options: hostileOptions }, cache);
    expect(failed.upstreams).toEqual([]);
    expect(failed.diagnostics).toEqual([
      {
        kind: 'analysis_failed',
        message: expect.stringMatching(/RangeError: Maximum call stack/) as unknown,
      },
    ]);
    expect(edges(await extractMLineage({ expression: SALES }, cache))).toEqual(['sqlserver:db.dbo.sales']);
  });

  test('explain-m answers 1 MB of native SQL with a diagnostic line', async () => {
    const sql = `select a${', a'.repeat(333_400)} from dbo.t`;
    const line = JSON.stringify({ id: 'big-sql', expression: `Value.NativeQuery(${SQL}, "${sql}")` });
    const answer = JSON.parse(await explainLine(line, {}, new LineageCache())) as Record<string, unknown>;
    expect(answer).toMatchObject({ id: 'big-sql', upstreams: [], diagnostics: [{ kind: 'limit_exceeded' }] });
  });
});
