import { extractSqlTables } from '../../../src/lineage/index.js';
import { Deadline, LimitExceededError } from '../../../src/lineage/limits.js';
import { extractSqlTablePaths, sqlNameOf, tokenScanTablePaths } from '../../../src/lineage/sql/native-sql.js';
import { rewriteForParser } from '../../../src/lineage/sql/token-scan.js';
import { edgesOf, lineageOf } from './helpers.js';

function dotted(name: { database?: string; schema?: string; table: string }): string {
  return [name.database, name.schema, name.table].filter(Boolean).join('.');
}

/** The names the token scan alone finds, shaped like extractSqlTables' names. */
function scanned(sql: string, platform = 'sqlserver'): string[] {
  return tokenScanTablePaths(sql, platform).paths.map((path) => dotted(sqlNameOf(path, platform)));
}

/** The names the whole analysis finds, and the kinds of its diagnostics. */
function analysed(sql: string, platform = 'sqlserver'): { names: string[]; kinds: string[] } {
  const result = extractSqlTables(sql, platform);
  return { names: result.tables.map(dotted), kinds: result.diagnostics.map((d) => d.kind) };
}

describe('token scan: SQL that no dialect parses', () => {
  test('MERGE reads its USING source (a table or a subquery), never its target', () => {
    expect(
      analysed(
        'MERGE INTO dbo.Target AS t USING dbo.Source AS s ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.a = s.a;',
      ),
    ).toEqual({ names: ['dbo.Source'], kinds: ['sql_token_scan'] });
    expect(
      analysed(
        'MERGE dbo.Target t USING (SELECT id, a FROM stage.Orders o JOIN stage.Lines l ON l.oid = o.id) s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.id);',
      ),
    ).toEqual({ names: ['stage.Lines', 'stage.Orders'], kinds: ['sql_token_scan'] });
  });

  test('DECLARE and SET without semicolons before the SELECT', () => {
    expect(
      analysed(
        "DECLARE @from date SET @from = DATEADD(year, -1, GETDATE()) SELECT * FROM dbo.FactSales f WHERE f.Date >= @from AND f.Note <> 'FROM dbo.NotATable'",
      ),
    ).toEqual({ names: ['dbo.FactSales'], kinds: ['sql_token_scan'] });
  });

  test("IF OBJECT_ID('tempdb..#t') … temp tables, table variables and tempdb are not upstreams", () => {
    expect(
      analysed(
        "IF OBJECT_ID('tempdb..#stage') IS NOT NULL DROP TABLE #stage; SELECT * INTO #stage FROM [Sales].[Orders]; " +
          'SELECT s.*, c.Name FROM #stage s JOIN ##shared g ON 1 = 1 JOIN @ids i ON 1 = 1 JOIN tempdb..Scratch x ON 1 = 1 JOIN Sales.Customers c ON c.id = s.cid',
      ),
    ).toEqual({ names: ['Sales.Customers', 'Sales.Orders'], kinds: ['sql_token_scan'] });
  });

  test('the diagnostic says the names come from a token scan and quotes where the first dialect stopped', () => {
    const { diagnostics } = extractSqlTables('DECLARE @x int SET @x = 1 SELECT * FROM dbo.T', 'sqlserver');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).toMatch(/could not be parsed/);
    expect(diagnostics[0]?.message).toMatch(/token scan/);
    expect(diagnostics[0]?.message).toMatch(/may be incomplete/);
    expect(diagnostics[0]?.message).toMatch(/transactsql stopped at line 1, column \d+/);
  });

  test('when the scan finds no table the diagnostic stays unparsable_sql', () => {
    for (const sql of [
      'selec from where (',
      'MERGE INTO dbo.T USING (VALUES (1)) v(a) ON 1 = 0 WHEN NOT MATCHED THEN INSERT (a) VALUES (v.a);',
    ]) {
      const { names, kinds } = analysed(sql);
      expect(names).toEqual([]);
      expect(kinds).toEqual(['unparsable_sql']);
    }
  });

  test('USE db does not qualify later names, as on the parser path', () => {
    const parsed = analysed('USE Finance; SELECT * FROM Ledger');
    const scannedToo = analysed('USE Finance; DECLARE @x int SET @x = 1 SELECT * FROM Ledger');
    expect(parsed).toEqual({ names: ['Ledger'], kinds: [] });
    expect(scannedToo).toEqual({ names: ['Ledger'], kinds: ['sql_token_scan'] });
  });

  test('a stored procedure call in SQL no dialect parses is still named', () => {
    const result = extractSqlTables(
      'DECLARE @y int SET @y = 2024 EXEC @rc = [etl].[LoadSales] @y SELECT * FROM dbo.Sales',
      'sqlserver',
    );
    expect(result.tables.map(dotted)).toEqual(['dbo.Sales']);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['sql_token_scan', 'stored_procedure']);
    expect(result.diagnostics[1]?.message).toContain('etl.LoadSales');
  });

  test('Snowflake: QUALIFY, `:` paths, `//` comments, LATERAL FLATTEN and db..t (the PUBLIC schema)', () => {
    expect(
      analysed(
        'SELECT t.v:a.b::string AS x, f.value FROM DB.S.T t, LATERAL FLATTEN(input => t.v:items) f // FROM DB.S.Commented\n' +
          'JOIN DB..U u ON u.id = f.value:id::int QUALIFY ROW_NUMBER() OVER (PARTITION BY x ORDER BY t.v:ts) = 1',
        'snowflake',
      ),
    ).toEqual({ names: ['DB.public.U', 'DB.S.T'], kinds: ['sql_token_scan'] });
  });
});

describe('token scan: the constructs it reads', () => {
  test('FROM lists with commas, every kind of JOIN, CROSS and OUTER APPLY', () => {
    expect(
      scanned(
        'SELECT * FROM a.t1 x, a.t2 AS y, [a].[t3] INNER JOIN a.t4 ON 1=1 LEFT OUTER JOIN a.t5 ON 1=1 ' +
          'FULL JOIN a.t6 ON 1=1 CROSS JOIN a.t7 CROSS APPLY (SELECT TOP 1 * FROM a.t8) z OUTER APPLY a.fn(x.id) f',
      ),
    ).toEqual(['a.t1', 'a.t2', 'a.t3', 'a.t4', 'a.t5', 'a.t6', 'a.t7', 'a.t8']);
  });

  test('derived tables and subqueries are read inside; table functions and aliases are not tables', () => {
    expect(
      scanned(
        'SELECT * FROM (SELECT * FROM s.inner1) d JOIN OPENJSON(@j) j ON 1=1 JOIN s.tvf(1, 2) f ON 1=1 ' +
          'WHERE d.k IN (SELECT k FROM s.inner2) AND EXISTS (SELECT 1 FROM s.inner3 WHERE x = d.k)',
      ),
    ).toEqual(['s.inner1', 's.inner2', 's.inner3']);
  });

  test('CTE names are not tables, a table with the name of a CTE in another schema is', () => {
    expect(
      scanned(
        'WITH recent AS (SELECT * FROM raw.events), totals (k, n) AS (SELECT k, count(*) FROM recent GROUP BY k) ' +
          'SELECT * FROM recent, totals JOIN raw.recent r ON 1=1',
      ),
    ).toEqual(['raw.events', 'raw.recent']);
  });

  test('names in string literals and comments are never read', () => {
    expect(
      scanned(
        "SELECT 'x FROM s.str1', N'FROM s.str2', 'it''s FROM s.str3' -- FROM s.line\n" +
          '/* JOIN s.block */ FROM s.real WHERE y = $$ FROM s.dollar $$',
        'postgres',
      ),
    ).toEqual(['s.real']);
    expect(scanned("SELECT E'it\\'s FROM s.escaped', $q$ FROM s.tagged $q$ FROM s.pg", 'postgres')).toEqual([
      's.pg',
    ]);
    expect(scanned("SELECT 'it\\'s FROM s.escaped' # FROM s.hash\nFROM shop.orders", 'mysql')).toEqual([
      'shop.orders',
    ]);
  });

  test('three-part, four-part, bracketed, quoted and backticked names come back unquoted', () => {
    expect(
      scanned(
        'SELECT * FROM [Sales DB].[dbo].[Order ]]Lines] JOIN "Fin"."GL" g ON 1=1 JOIN srv.db.dbo.t4 ON 1=1 JOIN Sales..Legacy ON 1=1',
      ),
    ).toEqual(['Fin.GL', 'Sales DB.dbo.Order ]Lines', 'Sales.dbo.Legacy', 'srv.db.dbo.t4']);
    expect(scanned('SELECT * FROM `my-proj.ds.events` e', 'bigquery')).toEqual(['my-proj.ds.events']);
  });

  test('UPDATE and DELETE targets are write targets; what they read counts', () => {
    expect(scanned('UPDATE t SET a = u.a FROM dbo.T t JOIN dbo.U u ON u.id = t.id')).toEqual(['dbo.U']);
    expect(scanned('DELETE FROM dbo.T WHERE id IN (SELECT id FROM dbo.Gone)')).toEqual(['dbo.Gone']);
    expect(scanned('INSERT INTO dbo.Copy SELECT * FROM dbo.Original')).toEqual(['dbo.Original']);
  });

  test('FROM that is not a table list: EXTRACT, TRIM, IS DISTINCT FROM', () => {
    expect(
      scanned(
        "SELECT EXTRACT(YEAR FROM d), TRIM(' ' FROM n) FROM s.t WHERE a IS NOT DISTINCT FROM b",
        'postgres',
      ),
    ).toEqual(['s.t']);
  });

  test('parenthesised joins, table hints old and new, PIVOT, FOR XML PATH, dual', () => {
    expect(
      scanned(
        "SELECT STUFF((SELECT ',' + n FROM dbo.Names (NOLOCK) FOR XML PATH('')), 1, 1, '') FROM (dbo.A a JOIN dbo.B b WITH (NOLOCK, INDEX(ix)) ON a.x = b.x) " +
          'PIVOT (SUM(v) FOR k IN ([p], [q])) pv, dual',
      ),
    ).toEqual(['dbo.A', 'dbo.B', 'dbo.Names']);
  });

  test('Hive LATERAL VIEW column lists are not tables', () => {
    expect(
      scanned(
        'SELECT * FROM cat.sch.t LATERAL VIEW explode(arr) e AS a, b JOIN cat.sch.u ON 1=1',
        'databricks',
      ),
    ).toEqual(['cat.sch.t', 'cat.sch.u']);
  });

  test('MySQL 2-part names: db..t is db.t', () => {
    expect(extractSqlTables('SELECT * FROM shop..orders', 'mysql').tables).toEqual([
      { database: 'shop', table: 'orders' },
    ]);
  });
});

describe('token scan: the same names as the parser path', () => {
  // SQL the parser accepts: the scan must give exactly what the parser gives.
  const accepted: [string, string][] = [
    ['sqlserver', 'SELECT * FROM dbo.t t CROSS APPLY (SELECT TOP 1 * FROM dbo.u WHERE u.a = t.a) x'],
    ['sqlserver', 'SELECT * FROM (SELECT a, b, c FROM dbo.s) src PIVOT (SUM(c) FOR b IN ([x], [y])) p'],
    ['sqlserver', "SELECT STUFF((SELECT ',' + name FROM dbo.n FOR XML PATH('')), 1, 1, '') AS x"],
    [
      'sqlserver',
      'SELECT a FROM dbo.t WITH (NOLOCK) JOIN [Sales DB].[dbo].[Order Lines] l WITH (NOLOCK) ON 1=1',
    ],
    ['sqlserver', 'select * into #tmp from [Sales DB].[dbo].[Order Lines]; select * from #tmp'],
    ['sqlserver', 'UPDATE t SET a = u.a FROM dbo.T t JOIN dbo.U u ON u.id = t.id'],
    ['sqlserver', 'SELECT TOP (100) PERCENT a FROM dbo.t ORDER BY a'],
    ['postgres', 'with recent as (select * from raw.events) select * from recent join dim.users u on 1=1'],
    [
      'postgres',
      'select o.id from sales.orders o left join sales.customers c on c.id = o.cid where o.pid in (select id from ref.products)',
    ],
    ['snowflake', 'select "Amount" from "FIN"."GL"."Lines" union all select a from x.t2'],
    ['snowflake', 'SELECT * FROM db.s.t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1'],
    ['bigquery', 'select * from `my-proj.ds.events` e'],
    ['mysql', 'select * from shop.orders o join shop.lines l on l.oid = o.id'],
  ];
  test.each(accepted)('%s: %s', (platform, sql) => {
    const parsed = extractSqlTables(sql, platform);
    expect(parsed.diagnostics).toEqual([]);
    expect(scanned(sql, platform)).toEqual(parsed.tables.map(dotted));
  });
});

describe('rewrites that let the parser accept T-SQL it rejects (a real parse, no diagnostic)', () => {
  const rescued: [string, string, string[]][] = [
    ['a qualified star with schema and table', 'SELECT [HR].[FP].* FROM [HR].[FP]', ['HR.FP']],
    ['db..t', 'SELECT * FROM Sales..Orders o JOIN dbo.Lines l ON 1=1', ['dbo.Lines', 'Sales.dbo.Orders']],
    ['OPTION (RECOMPILE)', 'SELECT a FROM dbo.t t WHERE x = 1 OPTION (RECOMPILE)', ['dbo.t']],
    ['a join hint', 'SELECT * FROM dbo.t t INNER HASH JOIN dbo.u u ON t.a = u.a', ['dbo.t', 'dbo.u']],
  ];
  test.each(rescued)('%s', (_label, sql, expected) => {
    expect(analysed(sql)).toEqual({ names: expected, kinds: [] });
    expect(rewriteForParser(sql, 'sqlserver')).toBeDefined();
  });

  test('FROM t (NOLOCK): the parser would read a table function and report nothing', () => {
    expect(analysed('SELECT a FROM dbo.t (NOLOCK)')).toEqual({ names: ['dbo.t'], kinds: [] });
  });

  test('names in strings are never rewritten', () => {
    expect(rewriteForParser("SELECT 'a..b', '[x].[y].*' FROM dbo.t", 'sqlserver')).toBeUndefined();
  });
});

describe('token scan: limits', () => {
  function bigQuery(): { sql: string; tables: number } {
    const statements = ['DECLARE @x int SET @x = 1'];
    let length = statements[0]?.length ?? 0;
    for (let index = 0; ; index += 1) {
      const statement = ` SELECT a, 'FROM s.str${index}' FROM dbo.T${index} t JOIN [x].[Y${index}] y ON 1=1 -- JOIN s.c${index}\n`;
      if (length + statement.length > 262_144) break;
      statements.push(statement);
      length += statement.length;
    }
    return { sql: statements.join(''), tables: (statements.length - 1) * 2 };
  }

  test('a 256 KB query no dialect parses: every table, nothing from strings or comments', () => {
    const { sql, tables } = bigQuery();
    expect(sql.length).toBeGreaterThan(250_000);
    const result = extractSqlTablePaths(sql, 'sqlserver');
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['sql_token_scan']);
    expect(result.paths).toHaveLength(tables);
    expect(result.paths.every(([schema]) => schema === 'dbo' || schema === 'x')).toBe(true);
  });

  test('pathological token streams end with an answer', () => {
    const hostile = [
      "'".repeat(200_001),
      'FROM '.repeat(40_000),
      '[a].'.repeat(50_000) + '*',
      'FROM t (' + 'NOLOCK,'.repeat(30_000),
      'WITH a AS ('.repeat(20_000),
    ];
    for (const sql of hostile) expect(tokenScanTablePaths(sql, 'sqlserver').paths).toEqual([]);
    expect(scanned('('.repeat(200_000) + 'SELECT * FROM s.deep')).toEqual(['s.deep']);
  });

  test('a deadline that has passed stops before the next attempt', () => {
    expect(() =>
      extractSqlTablePaths(
        'DECLARE @x int SET @x = 1 SELECT * FROM dbo.T',
        'sqlserver',
        undefined,
        new Deadline(0, 'this test'),
      ),
    ).toThrow(LimitExceededError);
  });
});

describe('token scan inside M', () => {
  test('Sql.Database(..., [Query=...]) qualifies scanned names with the database, and flags them', async () => {
    const expression =
      'Sql.Database("srv", "Sales", [Query="DECLARE @d date SET @d = GETDATE() SELECT * FROM dbo.Orders o JOIN Staging.Lines l ON 1=1"])';
    expect(await edgesOf(expression)).toEqual([
      'sqlserver:sales.dbo.orders',
      'sqlserver:sales.staging.lines',
    ]);
    const { diagnostics } = await lineageOf(expression);
    expect(diagnostics.map((d) => [d.kind, d.functionName])).toEqual([['sql_token_scan', 'Sql.Database']]);
  });

  test('a rescued query gives the same edges as the plain one, without a diagnostic', async () => {
    const plain = await lineageOf('Sql.Database("srv", "HRDB", [Query="SELECT FP.* FROM HR.FP"])');
    const rescued = await lineageOf(
      'Sql.Database("srv", "HRDB", [Query="SELECT [HR].[FP].* FROM [HR].[FP]"])',
    );
    expect(rescued).toEqual(plain);
    expect(plain.upstreams.map((u) => u.qualifiedName)).toEqual(['hrdb.hr.fp']);
  });
});
