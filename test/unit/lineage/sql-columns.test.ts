import { readFileSync } from 'node:fs';
import { sqlColumnLineage, type SqlColumnsResult } from '../../../src/lineage/index.js';
import { Deadline } from '../../../src/lineage/limits.js';
import { decodeMTextLiteral } from '../../../src/lineage/m/m-string.js';
import { extractSqlTablePaths } from '../../../src/lineage/sql/native-sql.js';
import { sharedAvailable, sharedPath } from '../../helpers/shared-reference.js';

type Known = Record<string, string[]>;

/** Table columns by lower-cased dot path. */
function known(tables: Known): (path: string[]) => string[] | undefined {
  return (tablePath) => tables[tablePath.join('.').toLowerCase()];
}

function lineage(sql: string, platform: string, tables?: Known): SqlColumnsResult {
  return sqlColumnLineage(sql, platform, tables === undefined ? undefined : known(tables));
}

/** `name transformation <- db.schema.table.column, …` per output column. */
function edges(result: SqlColumnsResult): string[] {
  return result.columns.map(
    (column) =>
      `${column.name} ${column.transformation} <- ${column.sources.map((source) => [...source.path, source.column].join('.')).join(', ')}`,
  );
}

function columnEdges(sql: string, platform: string, tables?: Known): string[] {
  return edges(lineage(sql, platform, tables));
}

function kinds(result: SqlColumnsResult): string[] {
  return result.diagnostics.map((diagnostic) => diagnostic.kind);
}

function filters(result: SqlColumnsResult): string[] {
  return result.filteredBy.map((source) => [...source.path, source.column].join('.'));
}

describe('native SQL column lineage: the select list', () => {
  test('a plain column is identity, an aliased one renamed, an expression derived from every column it reads', () => {
    const result = lineage(
      "select SELLER, MONTHID as MONTH_ID, concat(UPPER(REPLACE(SELLER,'-','')), MONTHID) as AGENT_KEY from OPS.PROD.UNITS",
      'snowflake',
    );
    expect(edges(result)).toEqual([
      'SELLER identity <- OPS.PROD.UNITS.SELLER',
      'MONTH_ID renamed <- OPS.PROD.UNITS.MONTHID',
      'AGENT_KEY derived <- OPS.PROD.UNITS.SELLER, OPS.PROD.UNITS.MONTHID',
    ]);
    expect(result.diagnostics).toEqual([]);
  });

  test('aggregates are aggregated, with or without OVER; a window function is derived from its PARTITION and ORDER columns', () => {
    expect(
      columnEdges(
        'select region, sum(amount) as total, count(distinct customer) customers, count(*) as n, avg(amount) over (partition by region) avg_region, row_number() over (partition by region order by day) rn from s.sales group by region',
        'postgres',
      ),
    ).toEqual([
      'region identity <- s.sales.region',
      'total aggregated <- s.sales.amount',
      'customers aggregated <- s.sales.customer',
      'n aggregated <- ',
      'avg_region aggregated <- s.sales.amount, s.sales.region',
      'rn derived <- s.sales.region, s.sales.day',
    ]);
  });

  test('CASE reads its conditions too; a cast keeps a column as it is', () => {
    expect(
      columnEdges(
        "select case when t.kind = 'x' then t.amount else 0 end as amount_x, cast(t.day as date) as day, t.qty::int as quantity from s.t t",
        'postgres',
      ),
    ).toEqual([
      'amount_x derived <- s.t.kind, s.t.amount',
      'day identity <- s.t.day',
      'quantity renamed <- s.t.qty',
    ]);
  });

  test('names compare case-insensitively and come back as written', () => {
    expect(columnEdges('select Amount as AMOUNT, t.Region from Sales.Orders T', 'sqlserver')).toEqual([
      'AMOUNT identity <- Sales.Orders.Amount',
      'Region identity <- Sales.Orders.Region',
    ]);
  });

  test('an expression without an alias has no name we can know: a diagnostic, and it is left out', () => {
    const result = lineage('select a, upper(b) from s.t', 'sqlserver');
    expect(edges(result)).toEqual(['a identity <- s.t.a']);
    expect(kinds(result)).toEqual(['opaque_columns']);
    expect(result.diagnostics[0]?.message).toContain('Output column 2');
  });

  test('date part keywords of DATEADD, DATEDIFF and DATE_TRUNC are not columns', () => {
    expect(
      columnEdges(
        'select datediff(day, opened, closed) as days_open, dateadd(month, 1, opened) as next_month, date_trunc(week, closed) as week from s.tickets',
        'snowflake',
      ),
    ).toEqual([
      'days_open derived <- s.tickets.opened, s.tickets.closed',
      'next_month derived <- s.tickets.opened',
      'week derived <- s.tickets.closed',
    ]);
  });
});

describe('native SQL column lineage: resolving names', () => {
  test('qualified columns go through table aliases and full names', () => {
    expect(
      columnEdges(
        'select orders.id, c.name as customer, sales.orders.total from sales.orders join crm.customers c on c.id = orders.customer_id',
        'postgres',
      ),
    ).toEqual([
      'id identity <- sales.orders.id',
      'customer renamed <- crm.customers.name',
      'total identity <- sales.orders.total',
    ]);
  });

  test('an unqualified column with one table in scope is that table’s', () => {
    expect(columnEdges('select id from s.a where flag = 1', 'snowflake')).toEqual(['id identity <- s.a.id']);
  });

  test('with several tables, an unqualified column goes to the one whose known columns have it', () => {
    const result = lineage('select id, name from s.a join s.b on a.id = b.aid', 'snowflake', {
      's.a': ['ID', 'X'],
      's.b': ['AID', 'NAME'],
    });
    expect(edges(result)).toEqual(['id identity <- s.a.id', 'name identity <- s.b.name']);
    expect(result.diagnostics).toEqual([]);
  });

  test('with several tables and unknown columns, an unqualified column is not guessed', () => {
    const result = lineage('select id, a.x from s.a join s.b on a.id = b.aid', 'snowflake');
    expect(edges(result)).toEqual(['id identity <- ', 'x identity <- s.a.x']);
    expect(kinds(result)).toEqual(['opaque_columns']);
    expect(result.diagnostics[0]?.message).toContain('s.a, s.b');
  });

  test('a column of a derived table known not to have it is reported', () => {
    const result = lineage('select q.nope from (select a from s.t) q', 'postgres');
    expect(edges(result)).toEqual(['nope identity <- ']);
    expect(result.diagnostics[0]?.message).toBe('q has no column nope.');
  });

  test('JOIN … USING: the shared column is both tables’ columns', () => {
    expect(columnEdges('select id, a.x from s.a join s.b using (id)', 'mysql')).toEqual([
      'id identity <- s.a.id, s.b.id',
      'x identity <- s.a.x',
    ]);
  });

  test('a correlated scalar subquery reads the inner table, and the outer column filters it', () => {
    const result = lineage(
      'select t.a, (select max(u.b) from s.u u where u.k = t.k) as max_b from s.t t',
      'postgres',
    );
    expect(edges(result)).toEqual(['a identity <- s.t.a', 'max_b aggregated <- s.u.b']);
    expect(filters(result)).toEqual(['s.u.k', 's.t.k']);
  });
});

describe('native SQL column lineage: stars', () => {
  test('* over a table whose columns are unknown passes it through, with a diagnostic', () => {
    const result = lineage('select *, concat(a, b) as ab from dbo.V_RETENTION', 'sqlserver');
    expect(edges(result)).toEqual(['ab derived <- dbo.V_RETENTION.a, dbo.V_RETENTION.b']);
    expect(result.passThrough).toEqual([['dbo', 'V_RETENTION']]);
    expect(kinds(result)).toEqual(['opaque_columns']);
    expect(result.diagnostics[0]?.message).toContain('dbo.V_RETENTION are unknown');
  });

  test('* and t.* are expanded where the columns are known', () => {
    const tables = { 's.a': ['ID', 'X'], 's.b': ['AID', 'NAME'] };
    expect(columnEdges('select * from s.a join s.b on a.id = b.aid', 'snowflake', tables)).toEqual([
      'ID identity <- s.a.ID',
      'X identity <- s.a.X',
      'AID identity <- s.b.AID',
      'NAME identity <- s.b.NAME',
    ]);
    const result = lineage('select b.*, a.x from s.a a join s.b b on a.id = b.aid', 'snowflake', tables);
    expect(edges(result)).toEqual([
      'AID identity <- s.b.AID',
      'NAME identity <- s.b.NAME',
      'x identity <- s.a.x',
    ]);
    expect(result.passThrough).toEqual([]);
  });

  test('t.* of one table with unknown columns passes only that table through', () => {
    const result = lineage('select b.*, a.x from s.a a join s.b b on a.id = b.aid', 'snowflake');
    expect(result.passThrough).toEqual([['s', 'b']]);
    expect(edges(result)).toEqual(['x identity <- s.a.x']);
  });

  test('a * inside a CTE still lets the outer query name the table’s columns', () => {
    const result = lineage(
      'with c as (select * from raw.events) select id, kind as event_kind from c',
      'postgres',
    );
    expect(edges(result)).toEqual(['id identity <- raw.events.id', 'event_kind renamed <- raw.events.kind']);
    expect(result.passThrough).toEqual([]);
    expect(result.diagnostics).toEqual([]);
  });
});

describe('native SQL column lineage: CTEs, subqueries, set operations', () => {
  test('CTEs with column lists and chains are followed to the tables', () => {
    expect(
      columnEdges(
        'with c (x, y) as (select a, b + 1 from s.t), d as (select x, y, x as z from c) select x, y, z as w from d',
        'postgres',
      ),
    ).toEqual(['x renamed <- s.t.a', 'y derived <- s.t.b', 'w renamed <- s.t.a']);
  });

  test('nested subqueries in FROM, aggregated inside, derived outside', () => {
    expect(
      columnEdges(
        'select region, total * 2 as doubled from (select region, sum(amount) as total from (select r.name as region, o.amount from s.orders o join s.regions r on r.id = o.region_id) inner_q group by region) outer_q',
        'snowflake',
      ),
    ).toEqual(['region renamed <- s.regions.name', 'doubled aggregated <- s.orders.amount']);
  });

  test('UNION: by position, names from the first branch, sources merged', () => {
    const result = lineage(
      'select id, amount from s.sales_2023 union all select sale_id, amount * 1.1 from s.sales_2024',
      'snowflake',
    );
    expect(edges(result)).toEqual([
      'id renamed <- s.sales_2023.id, s.sales_2024.sale_id',
      'amount derived <- s.sales_2023.amount, s.sales_2024.amount',
    ]);
  });

  test('EXCEPT: the right side only filters', () => {
    const result = lineage('select id from s.a except select id from s.b', 'postgres');
    expect(edges(result)).toEqual(['id identity <- s.a.id']);
    expect(filters(result)).toEqual(['s.b.id']);
  });

  test('UNION with a * of unknown columns cannot line up: flagged, both tables pass through', () => {
    const result = lineage('select * from s.a union all select x, y from s.b', 'snowflake');
    expect(result.passThrough).toEqual([['s', 'a']]);
    expect(result.diagnostics.map((d) => d.message).join('\n')).toContain('cannot be matched by position');
  });

  test('a recursive CTE reads its anchor’s columns for its references to itself', () => {
    expect(
      columnEdges(
        'with recursive r (n, p) as (select id, parent from s.nodes union all select nodes.id, r.p from s.nodes join r on nodes.parent = r.n) select n, p from r',
        'postgres',
      ),
    ).toEqual(['n renamed <- s.nodes.id', 'p renamed <- s.nodes.parent']);
  });

  test('WHERE, ON, GROUP BY and HAVING columns (and subqueries there) are the filters', () => {
    const result = lineage(
      'select a.name from GSL.PUBLIC.SALES_ANALYST as A inner join GSL.PUBLIC.SALES_FORECAST as B on A.name = B.name where A.region in (select region from GSL.PUBLIC.REGIONS where active) group by a.name having sum(b.amount) > 0',
      'snowflake',
    );
    expect(edges(result)).toEqual(['name identity <- GSL.PUBLIC.SALES_ANALYST.name']);
    expect(filters(result).sort()).toEqual(
      [
        'GSL.PUBLIC.SALES_ANALYST.name',
        'GSL.PUBLIC.SALES_FORECAST.name',
        'GSL.PUBLIC.SALES_ANALYST.region',
        'GSL.PUBLIC.REGIONS.region',
        'GSL.PUBLIC.REGIONS.active',
        'GSL.PUBLIC.SALES_FORECAST.amount',
      ].sort(),
    );
  });
});

describe('native SQL column lineage: dialects', () => {
  test('T-SQL: brackets, three-part names, Name = expr aliases, TOP, NOLOCK', () => {
    expect(
      columnEdges(
        'select top 100 [o].[Order Id] as [Id], Total = o.Qty * o.Price, "Customer" from [Sales DB].[dbo].[Order Lines] o with (nolock)',
        'sqlserver',
      ),
    ).toEqual([
      'Id renamed <- Sales DB.dbo.Order Lines.Order Id',
      'Total derived <- Sales DB.dbo.Order Lines.Qty, Sales DB.dbo.Order Lines.Price',
      'Customer identity <- Sales DB.dbo.Order Lines.Customer',
    ]);
  });

  test('T-SQL: SELECT … INTO #t, then a SELECT from #t', () => {
    expect(
      columnEdges('select a, b into #tmp from dbo.t; select Total = a + b, x.a from #tmp x', 'sqlserver'),
    ).toEqual(['Total derived <- dbo.t.a, dbo.t.b', 'a identity <- dbo.t.a']);
  });

  test('T-SQL: a qualified star the parser rejects is read after the rewrite', () => {
    const result = lineage('select [HR].[FP].*, x from [HR].[FP] option (recompile)', 'sqlserver');
    expect(edges(result)).toEqual(['x identity <- HR.FP.x']);
    expect(result.passThrough).toEqual([['HR', 'FP']]);
  });

  test('Snowflake: double-quoted identifiers, lateral aliases, FLATTEN', () => {
    expect(
      columnEdges(
        'select "Amount" as "Total", "Region", "Amount" * 2 as dbl, dbl + 1 as plus from "FIN"."GL"."Lines"',
        'snowflake',
      ),
    ).toEqual([
      'Total renamed <- FIN.GL.Lines.Amount',
      'Region identity <- FIN.GL.Lines.Region',
      'dbl derived <- FIN.GL.Lines.Amount',
      'plus derived <- FIN.GL.Lines.Amount',
    ]);
    expect(
      columnEdges(
        'select f.value as tag, t.id from db.s.t t, lateral flatten(input => t.tags) f',
        'snowflake',
      ),
    ).toEqual(['tag derived <- db.s.t.tags', 'id identity <- db.s.t.id']);
  });

  test('BigQuery: backticked project.dataset.table, struct fields', () => {
    expect(columnEdges('select t.id, `name`, t.address.city from `my-proj.ds.users` t', 'bigquery')).toEqual([
      'id identity <- my-proj.ds.users.id',
      'name identity <- my-proj.ds.users.name',
      'city derived <- my-proj.ds.users.address',
    ]);
  });

  test('Postgres: quoted mixed-case names, VALUES with column names', () => {
    expect(
      columnEdges(
        'select "Id", v.label from "Public"."Items" i join (values (1, \'a\')) as v(code, label) on v.code = i."Id"',
        'postgres',
      ),
    ).toEqual(['Id identity <- Public.Items.Id', 'label derived <- ']);
  });

  test('MySQL: double quotes are a string, not a column', () => {
    const result = lineage('select "a", b from s.t', 'mysql');
    expect(edges(result)).toEqual(['b identity <- s.t.b']);
  });

  test('the tables of the sources are the tables the table lineage reports', () => {
    const queries: [string, string][] = [
      ['select t.a, u.b from `p.d.t` t join p2.d2.u u on t.k = u.k', 'bigquery'],
      ['select o.x from [DB].[dbo].[O] o join srv.db2.dbo.P p on p.id = o.id', 'sqlserver'],
      ['select a from GSL.PUBLIC.T1 union select b from GSL.PUBLIC.T2', 'snowflake'],
      ['with c as (select * from raw.e) select c.id from c join dim.u on u.id = c.uid', 'postgres'],
    ];
    for (const [sql, platform] of queries) {
      const result = lineage(sql, platform);
      const tables = new Set(extractSqlTablePaths(sql, platform).paths.map((p) => p.join('.').toLowerCase()));
      const read = [...result.columns.flatMap((c) => c.sources), ...result.filteredBy].map((s) =>
        s.path.join('.').toLowerCase(),
      );
      expect(read.length).toBeGreaterThan(0);
      for (const table of read) expect(tables).toContain(table);
    }
  });
});

describe('native SQL column lineage: failures and bounds', () => {
  test('unparsable SQL: no columns and unparsable_sql, never a throw', () => {
    const result = lineage('selec from where (', 'snowflake');
    expect(result.columns).toEqual([]);
    expect(kinds(result)).toEqual(['unparsable_sql']);
    expect(kinds(lineage('   ', 'snowflake'))).toEqual(['unparsable_sql']);
  });

  test('a query that selects nothing (a procedure call) names the procedure', () => {
    const result = lineage('call sales.refresh_all()', 'snowflake');
    expect(result.columns).toEqual([]);
    expect(result.diagnostics.length).toBeGreaterThan(0);
  });

  test('a temp table filled elsewhere: its columns are unknown, flagged', () => {
    const result = lineage('select a from #t', 'sqlserver');
    expect(result.columns.map((c) => c.sources)).toEqual([[]]);
    expect(result.diagnostics[0]?.message).toContain('#t');
  });

  test('a query longer than the SQL limit is not parsed', () => {
    const sql = `select a from t where b in (${'1,'.repeat(200)}1)`;
    const result = sqlColumnLineage(sql, 'postgres', undefined, {
      limits: { maxSqlChars: 100, timeBudgetMs: 10_000 },
    });
    expect(kinds(result)).toEqual(['limit_exceeded']);
    expect(result.columns).toEqual([]);
  });

  test('a passed deadline stops the analysis with limit_exceeded', () => {
    const result = sqlColumnLineage('select a from s.t', 'postgres', undefined, {
      deadline: new Deadline(0, 'this test'),
    });
    expect(kinds(result)).toEqual(['limit_exceeded']);
  });

  test('subqueries nested deeper than the analysis follows stop with limit_exceeded', () => {
    let sql = 'select a from dbo.t';
    for (let level = 0; level < 520; level += 1) sql = `select a from (${sql}) s${level}`;
    const result = lineage(sql, 'postgres');
    expect(kinds(result)).toEqual(['limit_exceeded']);
    expect(result.columns).toEqual([]);
  });

  // Big inputs take seconds on a busy machine: a time budget (and a Jest timeout) that only a hang exceeds.
  const patient = { deadline: new Deadline(600_000, 'this test') };
  const PATIENT_MS = 600_000;

  test(
    'a chain of 1,000 CTEs is read without nesting 1,000 calls',
    () => {
      const chain = Array.from({ length: 1000 }, (_, i) => `c${i + 1} as (select a, b from c${i})`).join(
        ', ',
      );
      const sql = `with c0 as (select a, b from dbo.t), ${chain} select * from c1000`;
      const result = sqlColumnLineage(sql, 'postgres', undefined, patient);
      expect(edges(result)).toEqual(['a identity <- dbo.t.a', 'b identity <- dbo.t.b']);
    },
    PATIENT_MS,
  );

  test(
    'a 256 KB query of 8,000 columns is read; its problems are capped, the unexpanded * listed first',
    () => {
      const items = Array.from({ length: 8000 }, (_, i) => `upper(some_long_column_${i})`).join(', ');
      const sql = `select *, ${items}, k as key_col from dbo.wide`;
      expect(sql.length).toBeGreaterThan(200_000);
      expect(sql.length).toBeLessThan(262_144);
      const result = sqlColumnLineage(sql, 'sqlserver', undefined, patient);
      expect(edges(result)).toEqual(['key_col renamed <- dbo.wide.k']);
      expect(result.diagnostics[0]?.message).toContain('dbo.wide are unknown');
      expect(result.diagnostics.length).toBe(22);
      expect(result.diagnostics[21]?.message).toContain('7,980 more');
    },
    PATIENT_MS,
  );
});

/** The peer corpus: cases with column-level expectations whose M runs native SQL. */
const corpusFile = sharedPath('peerMCorpus');
const corpusSuite = sharedAvailable('peerMCorpus') ? describe : describe.skip;

interface CorpusCase {
  id: string;
  expression: string;
  expected: { platform: string }[];
  expected_fine_grained?: { downstreams: string[]; upstreams: string[] }[];
}

/** The native SQL of an M expression: its text literal that starts a query (M escapes decoded). */
function nativeSqlOf(expression: string): string | undefined {
  const literals = [...expression.matchAll(/"(?:[^"]|"")*"/g)].map((match) => decodeMTextLiteral(match[0]));
  return literals.find((text) => /^\s*(select|with)\b/i.test(text));
}

/** `urn:li:schemaField:(urn:li:dataset:(urn:li:dataPlatform:p,table,ENV),column)` -> table and column. */
function fieldOf(urn: string): { table: string; column: string } {
  const match = /dataPlatform:[^,]+,([^,]+),[^)]+\),(.+)\)$/.exec(urn);
  return { table: match?.[1] ?? '', column: match?.[2] ?? '' };
}

const OUR_PLATFORM: Record<string, string> = { mssql: 'sqlserver' };

corpusSuite('native SQL column lineage: the peer corpus’s fine-grained cases', () => {
  test('every downstream column has exactly the expected upstream columns', () => {
    const cases = (JSON.parse(readFileSync(corpusFile, 'utf8')) as CorpusCase[]).filter(
      (item) => item.expected_fine_grained !== undefined && nativeSqlOf(item.expression) !== undefined,
    );
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const item of cases) {
      const platform = item.expected[0]?.platform ?? '';
      const result = sqlColumnLineage(nativeSqlOf(item.expression) ?? '', OUR_PLATFORM[platform] ?? platform);
      for (const edge of item.expected_fine_grained ?? []) {
        const downstream = fieldOf(edge.downstreams[0] ?? '').column;
        const column = result.columns.find((c) => c.name.toLowerCase() === downstream);
        expect({ id: item.id, downstream, found: column !== undefined }).toEqual({
          id: item.id,
          downstream,
          found: true,
        });
        const expected = new Set(edge.upstreams.map((urn) => JSON.stringify(fieldOf(urn))));
        const actual = new Set(
          (column?.sources ?? []).map((source) => {
            const written = source.path.join('.').toLowerCase();
            const table = [...expected]
              .map((e) => (JSON.parse(e) as { table: string }).table)
              .find((t) => t === written || t.endsWith(`.${written}`));
            return JSON.stringify({ table: table ?? written, column: source.column.toLowerCase() });
          }),
        );
        expect({ id: item.id, downstream, upstreams: [...actual].sort() }).toEqual({
          id: item.id,
          downstream,
          upstreams: [...expected].sort(),
        });
      }
      const expectedNames = new Set(
        (item.expected_fine_grained ?? []).map((edge) => fieldOf(edge.downstreams[0] ?? '').column),
      );
      expect(result.columns.map((c) => c.name.toLowerCase()).sort()).toEqual([...expectedNames].sort());
    }
  });
});
