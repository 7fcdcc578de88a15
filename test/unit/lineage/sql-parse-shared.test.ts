import { jest } from '@jest/globals';
import sqlParser from 'node-sql-parser';
import { sqlColumnLineage } from '../../../src/lineage/index.js';
import { extractSqlTablePaths } from '../../../src/lineage/sql/native-sql.js';

const QUERIES: [label: string, sql: string, platform: string][] = [
  [
    'T-SQL with a CTE, a join and GROUP BY',
    `WITH recent AS (SELECT o.id, o.customer_id, o.total FROM sales.dbo.orders o WHERE o.placed > '2024-01-01')
     SELECT c.name AS customer, SUM(r.total) AS revenue FROM recent r JOIN sales.dbo.customers c ON c.id = r.customer_id
     GROUP BY c.name`,
    'sqlserver',
  ],
  [
    'Snowflake union',
    'SELECT a.x, b.y AS why, a.x + b.y AS total FROM db.s.a a LEFT JOIN db.s.b b ON a.k = b.k UNION ALL SELECT x, y, 0 FROM db.s.c',
    'snowflake',
  ],
  ['Postgres expression', 'SELECT id, upper(name) AS name FROM public.people WHERE active', 'postgres'],
  ['MySQL subquery', 'SELECT * FROM (SELECT id FROM db.t) AS sub', 'mysql'],
  ['unparsable', 'SELEKT broken FROM', 'sqlserver'],
];

/** Parses other texts in between, so each query below is parsed afresh. */
function forgetRecentParses(): void {
  for (let i = 0; i < 4; i += 1) extractSqlTablePaths(`SELECT c${i} FROM unrelated_${i}`, 'postgres');
}

describe('one parse of a native query serves its tables and its columns', () => {
  test.each(QUERIES)(
    'columns read after the tables equal columns read alone: %s',
    (_label, sql, platform) => {
      forgetRecentParses();
      const alone = sqlColumnLineage(sql, platform);
      forgetRecentParses();
      extractSqlTablePaths(sql, platform);
      const afterTables = sqlColumnLineage(sql, platform);
      expect(afterTables).toEqual(alone);
    },
  );

  test.each(QUERIES)('tables read after the columns equal tables read alone: %s', (_label, sql, platform) => {
    forgetRecentParses();
    const alone = extractSqlTablePaths(sql, platform);
    forgetRecentParses();
    sqlColumnLineage(sql, platform);
    expect(extractSqlTablePaths(sql, platform)).toEqual(alone);
  });

  test('the columns of a query whose tables were just read cost no parse', () => {
    const [, sql, platform] = QUERIES[0]!;
    forgetRecentParses();
    const parse = jest.spyOn(sqlParser.Parser.prototype, 'parse');
    try {
      extractSqlTablePaths(sql, platform);
      const afterTables = parse.mock.calls.length;
      expect(afterTables).toBeGreaterThan(0);
      sqlColumnLineage(sql, platform);
      expect(parse.mock.calls.length).toBe(afterTables);
    } finally {
      parse.mockRestore();
    }
  });
});
