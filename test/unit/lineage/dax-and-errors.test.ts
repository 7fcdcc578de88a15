import { lineageOf } from './helpers.js';

describe('DAX and broken expressions', () => {
  test.each([
    ['CALCULATETABLE(Sales, Sales[Year] = 2024)'],
    ['SUMMARIZE(Sales, Sales[Region], "Total", SUM(Sales[Amount]))'],
    ['DATATABLE("K", STRING, {{"a"}, {"b"}})'],
    ['CALENDAR(DATE(2020, 1, 1), DATE(2026, 12, 31))'],
    ['VAR t = FILTER(Sales, Sales[Qty] > 1) RETURN t'],
    ["'Sales Fact'"],
    ['Sales'],
    ['EVALUATE Sales'],
  ])('%s is DAX: no lineage, one informational diagnostic', async (expression) => {
    const result = await lineageOf(expression);
    expect(result).toEqual({
      upstreams: [],
      diagnostics: [expect.objectContaining({ kind: 'dax_expression' })],
    });
  });

  test('Sales as a whole expression is a query reference when the dataset has a query named Sales', async () => {
    const result = await lineageOf('Sales', {
      expressions: [{ name: 'Sales', expression: 'Sql.Database("s","d"){[Schema="x",Item="Sales"]}[Data]' }],
    });
    expect(result.upstreams.map((u) => u.qualifiedName)).toEqual(['d.x.sales']);
  });

  test('let Source = Sql.Database("s", "d") in Source[[[broken  is an unparsable M expression', async () => {
    const result = await lineageOf('let Source = Sql.Database("s", "d") in Source[[[broken');
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['unparsable_expression']);
  });

  test('MAGIC_LOAD(Source) is an unsupported function, not DAX', async () => {
    const result = await lineageOf('MAGIC_LOAD(Source)');
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'unsupported_function', functionName: 'MAGIC_LOAD' }),
      ]),
    );
  });

  test('a broken dataset query referenced by name is reported, the rest still resolves', async () => {
    const result = await lineageOf('Table.Combine({Good, Bad})', {
      expressions: [
        { name: 'Good', expression: 'Sql.Database("s","d"){[Schema="x",Item="G"]}[Data]' },
        { name: 'Bad', expression: 'let in in' },
      ],
    });
    expect(result.upstreams.map((u) => u.qualifiedName)).toEqual(['d.x.g']);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ kind: 'unparsable_expression', parameter: 'Bad' }),
    ]);
  });
});
