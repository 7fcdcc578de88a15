import { diagnosticKinds, edgesOf, lineageOf } from './helpers.js';

const TABLE = 'Sql.Database("srv", "Dw"){[Schema="dbo",Item="Sales"]}[Data]';

describe('a stray trailing comma is repaired and reported, not fatal', () => {
  test('#"Renamed Columns" = Table.RenameColumns(#"Added Index",)  (dangling comma in arguments)', async () => {
    const expression = [
      'let',
      '    Source = DatabricksMultiCloud.Catalogs("h.cloud.databricks.com", "/sql/x", [Catalog="cat", Database="db"]),',
      '    T = Source{[Item="orders",Schema="gold",Catalog="cat"]}[Data],',
      '    #"Added Index" = Table.AddIndexColumn(T, "Index", 1, 1, Int64.Type),',
      '    #"Renamed Columns" = Table.RenameColumns(#"Added Index",)',
      'in',
      '    #"Renamed Columns"',
    ].join('\n');
    const result = await lineageOf(expression);
    expect(result.upstreams.map((u) => `${u.platform}:${u.qualifiedName}`)).toEqual([
      'databricks:cat.gold.orders',
    ]);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['repaired_syntax']);
    expect(result.diagnostics[0]?.message).toContain('line 5, column 60');
  });

  test(`let A = ${TABLE}, in A  (comma before in)`, async () => {
    expect(await edgesOf(`let A = ${TABLE}, in A`)).toEqual(['sqlserver:dw.dbo.sales']);
    expect(await diagnosticKinds(`let A = ${TABLE}, in A`)).toEqual(['repaired_syntax']);
  });

  test(`Table.Combine({${TABLE}, Sql.Database(..., [Query="...",]),})  (record and list)`, async () => {
    const expression = `Table.Combine({${TABLE}, Sql.Database("srv", "Dw", [Query="select * from audit.Log",]),})`;
    expect(await edgesOf(expression)).toEqual(['sqlserver:dw.audit.log', 'sqlserver:dw.dbo.sales']);
    expect(await diagnosticKinds(expression)).toEqual(['repaired_syntax', 'repaired_syntax']);
  });

  test('Base = Table.SelectRows(..., each true,) in a dataset query names the query', async () => {
    const result = await lineageOf('let S = Base in S', {
      expressions: [{ name: 'Base', expression: `Table.SelectRows(${TABLE}, each true,)` }],
    });
    expect(result.upstreams.map((u) => u.qualifiedName)).toEqual(['dw.dbo.sales']);
    expect(result.diagnostics.map((d) => [d.kind, d.parameter])).toEqual([['repaired_syntax', 'Base']]);
    expect(result.diagnostics[0]?.message).toContain('Dataset query "Base"');
  });

  test('f(a,,b) is not a trailing comma: still unparsable', async () => {
    expect(await diagnosticKinds('let A = Table.Combine({X,,Y}) in A')).toEqual(['unparsable_expression']);
  });

  test(`Table.Combine({${TABLE}, {1,}, {2,}, {3,}, {4,},})`, async () => {
    // Five stray commas are more than a typo explains: the text is left as broken.
    const expression = `Table.Combine({${TABLE}, {1,}, {2,}, {3,}, {4,},})`;
    expect(await diagnosticKinds(expression)).toEqual(['unparsable_expression']);
  });
});
