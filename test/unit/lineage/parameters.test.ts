import { edgesOf, lineageOf } from './helpers.js';

const PARAMS = [
  {
    name: 'Server',
    expression:
      '"sql-01.example.net" meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]',
  },
  {
    name: 'Database',
    expression: '"Finance" meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]',
  },
  { name: 'Env', expression: '"prod" meta [IsParameterQuery=true, Type="Text"]' },
];

describe('parameters', () => {
  test('Sql.Database(#"Server", #"Database") with IsParameterQuery expressions', async () => {
    const { upstreams } = await lineageOf(
      'let S = Sql.Database(#"Server", #"Database"), T = S{[Schema="gl",Item="Lines"]}[Data] in T',
      {
        expressions: PARAMS,
      },
    );
    expect(upstreams.map((u) => [u.server, u.qualifiedName])).toEqual([
      ['sql-01.example.net', 'finance.gl.lines'],
    ]);
  });

  test('Sql.Database(Server, "dw_" & Env) builds text with &', async () => {
    expect(
      await edgesOf('Sql.Database(Server, "dw_" & Env){[Schema="s",Item="t"]}[Data]', {
        expressions: PARAMS,
      }),
    ).toEqual(['sqlserver:dw_prod.s.t']);
  });

  test('Sql.Database(Server, Database) where the parameters input overrides the dataset value', async () => {
    expect(
      await edgesOf('Sql.Database(Server, Database){[Schema="s",Item="t"]}[Data]', {
        expressions: PARAMS,
        parameters: { Database: 'Finance_UAT' },
      }),
    ).toEqual(['sqlserver:finance_uat.s.t']);
  });

  test('Value.NativeQuery(..., "select * from " & TableName) resolves a parameter inside the SQL', async () => {
    expect(
      await edgesOf(
        'Value.NativeQuery(Snowflake.Databases("h","w"){[Name="DB"]}[Data], "select * from " & TableName)',
        {
          parameters: { TableName: 'RAW.EVENTS' },
        },
      ),
    ).toEqual(['snowflake:db.raw.events']);
  });

  test('Sql.Database(Server, MissingDb) names the unresolved parameter and reports the table as a partial name', async () => {
    const result = await lineageOf('Sql.Database(Server, MissingDb){[Schema="s",Item="t"]}[Data]', {
      expressions: PARAMS,
    });
    expect(result.upstreams).toEqual([
      expect.objectContaining({ qualifiedName: 's.t', database: null, schema: 's', partial: true }),
    ]);
    expect(result.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'unresolved_parameter', parameter: 'MissingDb' }),
        expect.objectContaining({ kind: 'partial_name', functionName: 'Sql.Database' }),
      ]),
    );
  });

  test('S{[Name=Schema]} with an unknown parameter in navigation gives the table without its schema, flagged partial', async () => {
    const result = await lineageOf(
      'Snowflake.Databases("h","w"){[Name="DB"]}[Data]{[Name=SchemaParam]}[Data]{[Name="T"]}[Data]',
    );
    expect(result.upstreams).toEqual([
      expect.objectContaining({ qualifiedName: 'db.t', database: 'DB', schema: null, partial: true }),
    ]);
    expect(result.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'unresolved_parameter', parameter: 'SchemaParam' }),
        expect.objectContaining({ kind: 'partial_name' }),
      ]),
    );
  });

  test('an unknown table name gives no reference: there is nothing to name', async () => {
    const result = await lineageOf('Sql.Database("s", "db"){[Schema="dbo",Item=TableParam]}[Data]');
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics.map((d) => d.kind)).toContain('unresolved_parameter');
    expect(result.diagnostics.map((d) => d.kind)).not.toContain('partial_name');
  });

  test('native SQL through a Databricks catalog from a parameter without a value keeps schema.table, flagged partial', async () => {
    const result = await lineageOf(
      `let Source = Databricks.Catalogs("h", "/sql/1.0/warehouses/x", [Catalog=null]),
        Q = Value.NativeQuery(Source{[Name=CatalogParam,Kind="Database"]}[Data], "select o.id from sales.orders o join sales.lines l on l.id = o.id", null, [EnableFolding=true])
      in Q`,
    );
    expect(result.upstreams.map((u) => [u.qualifiedName, u.partial])).toEqual([
      ['sales.lines', true],
      ['sales.orders', true],
    ]);
    expect(result.diagnostics.map((d) => d.kind)).toContain('partial_name');
  });

  test('a string literal "Env" is not replaced by the parameter named Env', async () => {
    expect(
      await edgesOf('Sql.Database("Env", "Env"){[Schema="s",Item="t"]}[Data]', { expressions: PARAMS }),
    ).toEqual(['sqlserver:env.s.t']);
  });

  test('Sql.Database("srv", "db", [Query="select *#(lf)from#(tab)[sales].[odd name]"]) decodes M escapes', async () => {
    expect(
      await edgesOf('Sql.Database("srv", "db", [Query="select *#(lf)from#(tab)[sales].[odd name]"])'),
    ).toEqual(['sqlserver:db.sales.odd name']);
  });
});
