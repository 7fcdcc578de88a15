import {
  extractMLineage,
  LineageCache,
  type MExpressionInput,
  type MLineageResult,
} from '../../../src/lineage/index.js';

const edges = async (input: MExpressionInput, cache: LineageCache): Promise<string[]> =>
  (await extractMLineage(input, cache)).upstreams.map((u) => `${u.platform}:${u.qualifiedName}`);

const NAVIGATE_BASE = 'let S = Base in S{[Schema="s",Item="t"]}[Data]';

describe('one cache for a whole run gives what a fresh computation gives', () => {
  test('let S = Base in ... follows whichever Base query the dataset has', async () => {
    const cache = new LineageCache();
    const results = [];
    for (const database of ['One', 'Two', 'One', 'Two']) {
      const expressions = [{ name: 'Base', expression: `Sql.Database("a", "${database}")` }];
      results.push(await edges({ expression: NAVIGATE_BASE, expressions }, cache));
    }
    expect(results).toEqual([
      ['sqlserver:one.s.t'],
      ['sqlserver:two.s.t'],
      ['sqlserver:one.s.t'],
      ['sqlserver:two.s.t'],
    ]);
  });

  test('Base = Inner, Inner = Sql.Database(...): a change two queries away changes the result', async () => {
    const cache = new LineageCache();
    const dataset = (database: string) => [
      { name: 'Base', expression: 'Inner' },
      { name: 'Inner', expression: `Sql.Database("a", "${database}")` },
      { name: 'Unrelated', expression: '"x" meta [IsParameterQuery=true]' },
    ];
    const results = [];
    for (const database of ['One', 'Two', 'One', 'Two']) {
      results.push(await edges({ expression: NAVIGATE_BASE, expressions: dataset(database) }, cache));
    }
    expect(results).toEqual([
      ['sqlserver:one.s.t'],
      ['sqlserver:two.s.t'],
      ['sqlserver:one.s.t'],
      ['sqlserver:two.s.t'],
    ]);
  });

  test('Sql.Database(Server, Db) with different parameter values', async () => {
    const cache = new LineageCache();
    const expression = 'Sql.Database(Server, Db){[Schema="s",Item="t"]}[Data]';
    const results = [];
    for (const Db of ['Dev', 'Prod', 'Dev']) {
      results.push(await edges({ expression, parameters: { Server: 'srv', Db } }, cache));
    }
    expect(results).toEqual([['sqlserver:dev.s.t'], ['sqlserver:prod.s.t'], ['sqlserver:dev.s.t']]);
  });

  test('Odbc.Query("dsn=WH", "select * from t") with different DSN mappings', async () => {
    const cache = new LineageCache();
    const expression = 'Odbc.Query("dsn=WH", "select * from sales")';
    const mapped = (platform: string, database: string) => ({
      expression,
      options: { odbcDsnMap: { WH: { platform, database } } },
    });
    expect(await edges(mapped('mysql', 'shop'), cache)).toEqual(['mysql:shop.sales']);
    expect(await edges(mapped('postgres', 'dw'), cache)).toEqual(['postgres:dw.public.sales']);
  });

  test('the same SQL through Sql.Database and PostgreSQL.Database gets each platform default schema', async () => {
    const cache = new LineageCache();
    const sql = '[Query="select * from orders"]';
    expect(await edges({ expression: `Sql.Database("h", "d", ${sql})` }, cache)).toEqual([
      'sqlserver:d.dbo.orders',
    ]);
    expect(
      await edges(
        { expression: `Value.NativeQuery(PostgreSQL.Database("h", "d"), "select * from orders")` },
        cache,
      ),
    ).toEqual(['postgres:d.public.orders']);
  });

  test('Sales alone is DAX until the dataset has a query named Sales', async () => {
    const cache = new LineageCache();
    const alone = await extractMLineage({ expression: 'Sales' }, cache);
    const withQuery = await edges(
      {
        expression: 'Sales',
        expressions: [
          { name: 'Sales', expression: 'Sql.Database("h", "d"){[Schema="s",Item="sales"]}[Data]' },
        ],
      },
      cache,
    );
    expect(alone.diagnostics.map((d) => d.kind)).toEqual(['dax_expression']);
    expect(withQuery).toEqual(['sqlserver:d.s.sales']);
  });

  test('a caller changing a result it got does not change what the next caller gets', async () => {
    const cache = new LineageCache();
    const input = { expression: 'Sql.Database("h", "d"){[Schema="s",Item="t"]}[Data]' };
    const first = await extractMLineage(input, cache);
    const pristine = structuredClone(first);
    first.upstreams[0]!.table = 'changed';
    first.diagnostics.push({ kind: 'cyclic_reference', message: 'added by the caller' });
    expect(await extractMLineage(input, cache)).toEqual(pristine);
  });

  test('with room for one tree and one result, every input still gets its own lineage', async () => {
    const tiny = new LineageCache({
      parsedTextChars: 80,
      namesEntries: 1,
      sqlChars: 10,
      resultChars: 400,
    });
    const inputs: MExpressionInput[] = ['A', 'B', 'A', 'C', 'B'].map((table) => ({
      expression: `let S = Base, T = Table.Combine({S, Sql.Database("h", "d"){[Schema="s",Item="${table}"]}[Data]}) in T`,
      expressions: [
        { name: 'Base', expression: `Value.NativeQuery(Sql.Database("h", "d"), "select * from x${table}")` },
      ],
    }));
    const withTiny = [];
    const fresh = [];
    for (const input of inputs) {
      withTiny.push(await extractMLineage(input, tiny));
      fresh.push(await extractMLineage(input, new LineageCache()));
    }
    expect(withTiny).toEqual(fresh);
    expect(fresh.map((r) => r.upstreams.map((u) => u.qualifiedName))).toEqual([
      ['d.dbo.xa', 'd.s.a'],
      ['d.dbo.xb', 'd.s.b'],
      ['d.dbo.xa', 'd.s.a'],
      ['d.dbo.xc', 'd.s.c'],
      ['d.dbo.xb', 'd.s.b'],
    ]);
  });

  test('a text parsed once is known to the cache afterwards; concurrent callers agree', async () => {
    const cache = new LineageCache();
    const expression =
      'let S = Snowflake.Databases("h", "w"){[Name="DB"]}[Data] in S{[Name="T", Kind="Table"]}[Data]';
    expect(cache.namesOf(expression)).toBeUndefined();
    const [a, b] = await Promise.all([
      extractMLineage({ expression }, cache),
      extractMLineage({ expression }, cache),
    ]);
    expect(a).toEqual(b);
    expect(cache.namesOf(expression)).toEqual(expect.arrayContaining(['S', 'Snowflake.Databases']));
  });

  test('results are kept by the length of their text, so column lineage cannot fill the heap with as many results as tables', () => {
    const table = { platform: 'sqlserver', table: 't', qualifiedName: 'd.s.t', kind: 'table' as const };
    const wide: MLineageResult = {
      upstreams: [],
      diagnostics: [],
      columns: Array.from({ length: 4 }, (_, i) => ({
        column: `c${i}`,
        upstreams: [{ table, column: `c${i}` }],
        transformation: 'identity' as const,
      })),
    };
    const size = JSON.stringify(wide).length;
    const cache = new LineageCache({ resultChars: size + 50 });
    cache.storeResult('first', wide);
    expect(cache.result('first')).toEqual(wide);
    cache.storeResult('second', wide);
    expect(cache.result('first')).toBeUndefined();
    expect(cache.result('second')).toEqual(wide);
    cache.storeResult('narrow', { upstreams: [], diagnostics: [] });
    expect(cache.result('second')).toEqual(wide);
  });

  test('a native query read for its columns is parsed once per run, whichever table reads it', async () => {
    const cache = new LineageCache();
    const sql = 'select a as x, b from s.t';
    const first = cache.sqlColumns(sql, 'sqlserver');
    expect(first.columns.map((c) => c.name)).toEqual(['x', 'b']);
    expect(cache.sqlColumns(sql, 'sqlserver')).toBe(first);
    const input = (table: string) => ({
      expression: `Value.NativeQuery(Sql.Database("h", "d"), "${sql}")`,
      tableName: table,
      columns: ['x', 'b'],
    });
    const one = await extractMLineage(input('One'), cache);
    const two = await extractMLineage(input('Two'), new LineageCache());
    expect(one).toEqual(two);
    expect(one.columns?.map((c) => c.upstreams.map((u) => u.column))).toEqual([['a'], ['b']]);
  });
});
