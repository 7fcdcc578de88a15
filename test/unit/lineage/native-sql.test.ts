import { extractSqlTables } from '../../../src/lineage/index.js';
import { edgesOf, lineageOf } from './helpers.js';

function names(sql: string, platform: string): string[] {
  return extractSqlTables(sql, platform).tables.map((t) =>
    [t.database, t.schema, t.table].filter(Boolean).join('.'),
  );
}

describe('native SQL', () => {
  test('joins and a subquery in WHERE', () => {
    expect(
      names(
        'select o.id from sales.orders o left join sales.customers c on c.id = o.cid where o.pid in (select id from ref.products)',
        'postgres',
      ),
    ).toEqual(['ref.products', 'sales.customers', 'sales.orders']);
  });

  test('UNION of two tables', () => {
    expect(names('select a from x.t1 union all select a from x.t2', 'snowflake')).toEqual(['x.t1', 'x.t2']);
  });

  test('CTE names are not tables', () => {
    expect(
      names(
        'with recent as (select * from raw.events where d > 1) select * from recent join dim.users u on 1=1',
        'postgres',
      ),
    ).toEqual(['dim.users', 'raw.events']);
  });

  test('bracketed three-part T-SQL names and temp tables', () => {
    expect(
      names('select * into #tmp from [Sales DB].[dbo].[Order Lines]; select * from #tmp', 'sqlserver'),
    ).toEqual(['Sales DB.dbo.Order Lines']);
  });

  test('double-quoted Snowflake identifiers', () => {
    expect(names('select "Amount" as "Total" from "FIN"."GL"."Lines"', 'snowflake')).toEqual([
      'FIN.GL.Lines',
    ]);
  });

  test('BigQuery backticked project.dataset.table', () => {
    expect(names('select * from `my-proj.ds.events` e', 'bigquery')).toEqual(['my-proj.ds.events']);
  });

  test('MySQL two-part names are database.table', () => {
    expect(extractSqlTables('select * from shop.orders', 'mysql').tables).toEqual([
      { database: 'shop', table: 'orders' },
    ]);
  });

  test('DROP TABLE IF EXISTS #t; SELECT ... keeps only the tables read', () => {
    expect(names('DROP TABLE IF EXISTS #t;\nSELECT * FROM dbo.Facts', 'sqlserver')).toEqual(['dbo.Facts']);
  });

  test('a query no dialect can parse yields an unparsable_sql diagnostic, not an exception', () => {
    const result = extractSqlTables('selec from where (', 'snowflake');
    expect(result.tables).toEqual([]);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['unparsable_sql']);
  });

  test('Value.NativeQuery(Snowflake...{[Name="DB"]}[Data], "select ... from S.T join U") qualifies with the navigated database', async () => {
    expect(
      await edgesOf(
        'Value.NativeQuery(Snowflake.Databases("h","w"){[Name="DB"]}[Data], "select * from S.T join U on 1=1", null, [EnableFolding=true])',
      ),
    ).toEqual(['snowflake:db.public.u', 'snowflake:db.s.t']);
  });

  test('Value.NativeQuery(AmazonRedshift.Database("rs","dev"), "select * from dev.public.category")', async () => {
    const { upstreams } = await lineageOf(
      'Value.NativeQuery(AmazonRedshift.Database("rs","dev"), "select * from dev.public.category")',
    );
    expect(upstreams.map((u) => [u.qualifiedName, u.nativeQuery, u.via])).toEqual([
      ['dev.public.category', true, 'Value.NativeQuery'],
    ]);
  });

  test('Value.NativeQuery(..., "not sql at all ((") keeps going with an unparsable_sql diagnostic', async () => {
    const result = await lineageOf('Value.NativeQuery(Sql.Database("s","d"), "not sql at all ((")');
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ kind: 'unparsable_sql', functionName: 'Value.NativeQuery' }),
    ]);
  });

  test('Sql.Database("s", "d", [Query="select * from t"]) with parseNativeQueries=false', async () => {
    const result = await lineageOf('Sql.Database("s", "d", [Query="select * from t"])', {
      options: { parseNativeQueries: false },
    });
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['native_query_skipped']);
  });

  test('Sql.Database("s", "d", [Query="EXEC dbo.GetSales @year = 2024"]) names the stored procedure', async () => {
    const result = await lineageOf('Sql.Database("s", "d", [Query="EXEC dbo.GetSales @year = 2024"])');
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics.map((d) => [d.kind, d.functionName])).toEqual([
      ['stored_procedure', 'Sql.Database'],
    ]);
    expect(result.diagnostics[0]?.message).toContain('dbo.GetSales');
  });

  test('Value.NativeQuery(Snowflake..., "CALL mart.refresh_orders()") names the procedure', async () => {
    const result = await lineageOf(
      'Value.NativeQuery(Snowflake.Databases("h", "w"){[Name="DB"]}[Data], "CALL mart.refresh_orders()")',
    );
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['stored_procedure']);
    expect(result.diagnostics[0]?.message).toContain('mart.refresh_orders');
  });

  test('EXEC dbo.Prepare; SELECT * FROM dbo.Orders keeps the table and names the procedure', () => {
    const result = extractSqlTables('EXEC dbo.Prepare; SELECT * FROM dbo.Orders', 'sqlserver');
    expect(result.tables).toEqual([{ schema: 'dbo', table: 'Orders' }]);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['stored_procedure']);
  });
});
