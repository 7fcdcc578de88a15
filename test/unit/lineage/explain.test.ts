import { explainLine } from '../../../src/lineage/index.js';

describe('explainLine', () => {
  test('{"id":"t1","expression":"Sql.Database(Server, \\"db\\"){...}", "expressions":[Server parameter]}', async () => {
    const line = JSON.stringify({
      id: 't1',
      expression: 'Sql.Database(Server, "db"){[Schema="s",Item="t"]}[Data]',
      expressions: [{ name: 'Server', expression: '"srv" meta [IsParameterQuery=true]' }],
    });
    const output = JSON.parse(await explainLine(line)) as Record<string, unknown>;
    expect(Object.keys(output)).toEqual(['id', 'upstreams', 'diagnostics']);
    expect(output['id']).toBe('t1');
    expect(output['upstreams']).toEqual([
      expect.objectContaining({ server: 'srv', qualifiedName: 'db.s.t' }),
    ]);
    expect(output['diagnostics']).toEqual([]);
  });

  test('default options (DSN map) apply and line options override them', async () => {
    const line = (options?: unknown) =>
      JSON.stringify({
        id: 2,
        expression: 'Odbc.Query("dsn=Lake", "select * from t")',
        ...(options ? { options } : {}),
      });
    const defaults = { odbcDsnMap: { Lake: { platform: 'postgres', database: 'a', schema: 's' } } };
    const fromDefaults = JSON.parse(await explainLine(line(), defaults)) as {
      upstreams: { qualifiedName: string }[];
    };
    expect(fromDefaults.upstreams.map((u) => u.qualifiedName)).toEqual(['a.s.t']);
    const overridden = JSON.parse(
      await explainLine(line({ odbcDsnMap: { Lake: { platform: 'mysql', database: 'b' } } }), defaults),
    ) as { upstreams: { platform: string; qualifiedName: string }[] };
    expect(overridden.upstreams.map((u) => `${u.platform}:${u.qualifiedName}`)).toEqual(['mysql:b.t']);
  });

  test('invalid JSON gives an error line', async () => {
    const output = JSON.parse(await explainLine('{not json')) as Record<string, unknown>;
    expect(output['id']).toBeNull();
    expect(String(output['error'])).toMatch(/invalid JSON/);
  });

  test('a line without "expression" gives an error line with its id', async () => {
    expect(JSON.parse(await explainLine('{"id":"x"}'))).toEqual({
      id: 'x',
      error: '"expression" must be a string',
    });
  });

  test('tables, tableName and dataSources reach the analysis', async () => {
    const line = JSON.stringify({
      id: 'refs',
      expression:
        'let Source = Base, J = Table.NestedJoin(Source, {"k"}, #"DWH", {"k"}, "d", JoinKind.Inner) in J',
      tableName: 'Report',
      tables: [{ name: 'Base', expression: 'Sql.Database("s", "db"){[Schema="dbo",Item="Base"]}[Data]' }],
      dataSources: [{ type: 'Sql', server: 'sql-01', database: 'DWH' }],
    });
    const out = JSON.parse(await explainLine(line)) as {
      upstreams: { qualifiedName: string; kind: string }[];
    };
    expect(out.upstreams.map((u) => `${u.kind}:${u.qualifiedName}`)).toEqual([
      'model_table:base',
      'table:db.dbo.base',
    ]);
  });

  test('a malformed dataSources entry is an error line naming the field', async () => {
    const out = JSON.parse(
      await explainLine(
        JSON.stringify({ id: 'x', expression: '1', dataSources: [{ type: 'Sql', server: 7 }] }),
      ),
    ) as { error: string };
    expect(out.error).toMatch(/"dataSources" must be an array/);
  });
});
