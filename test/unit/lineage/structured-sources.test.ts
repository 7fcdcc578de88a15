/** Structured data sources (`#"SQL/server;db"`), the form models migrated from Analysis Services use. */
import type { DataSourceHint } from '../../../src/lineage/index.js';
import { lineageOf } from './helpers.js';

function navigated(source: string, schema = 'dbo', item = 'DimCustomer'): string {
  return `let
    Source = ${source},
    ${schema}_${item} = Source{[Schema="${schema}",Item="${item}"]}[Data],
    #"Removed Other Columns" = Table.SelectColumns(${schema}_${item},{"CustomerKey", "FirstName"})
in
    #"Removed Other Columns"`;
}

function summary(result: Awaited<ReturnType<typeof lineageOf>>): string[] {
  return result.upstreams.map((u) => `${u.platform}|${u.server ?? ''}|${u.qualifiedName}`);
}

describe('structured data sources', () => {
  test.each([
    ['#"SQL/sql-prod-01;AdventureWorksDW"', 'sqlserver|sql-prod-01|adventureworksdw.dbo.dimcustomer'],
    [
      '#"SQL/contoso-dw database windows net;EDW"',
      'sqlserver|contoso-dw.database.windows.net|edw.dbo.dimcustomer',
    ],
    [
      '#"SQL/contoso-dw.database.windows.net;EDW"',
      'sqlserver|contoso-dw.database.windows.net|edw.dbo.dimcustomer',
    ],
    ['#"sql/localhost;Sales"', 'sqlserver|localhost|sales.dbo.dimcustomer'],
    ['#"PostgreSQL/pg.internal;analytics"', 'postgres|pg.internal|analytics.dbo.dimcustomer'],
    ['#"Oracle/ora-prod:1521/ORCL"', 'oracle|ora-prod:1521/ORCL|orcl.dbo.dimcustomer'],
  ])('%s is the call its name stands for', async (source, expected) => {
    const result = await lineageOf(navigated(source));
    expect(summary(result)).toEqual([expected]);
    expect(result.diagnostics).toEqual([]);
  });

  test('native SQL over a structured source', async () => {
    const result = await lineageOf(
      `let Source = Value.NativeQuery(#"SQL/sql-01;DW", "SELECT f.* FROM sales.FactOrders f JOIN dbo.DimDate d ON d.DateKey = f.DateKey", null, [EnableFolding=true]) in Source`,
    );
    expect(summary(result)).toEqual([
      'sqlserver|sql-01|dw.dbo.dimdate',
      'sqlserver|sql-01|dw.sales.factorders',
    ]);
  });

  test('a name of another shape or an unknown kind is not taken for a data source', async () => {
    for (const name of ['#"Sales/2024"', '#"NotAKind/server;db"', '#"SQL/"']) {
      const result = await lineageOf(navigated(name));
      expect(result.upstreams).toEqual([]);
      expect(result.diagnostics.map((d) => d.kind)).toContain('unresolved_reference');
    }
  });

  describe('names that do not say what they are, matched with the dataset datasources', () => {
    const one: DataSourceHint[] = [{ type: 'Sql', server: 'sql-01.contoso.com', database: 'EDW' }];
    const two: DataSourceHint[] = [
      ...one,
      { type: 'Sql', server: 'sql-02.contoso.com', database: 'Staging' },
    ];

    test('the one datasource of the dataset, with a diagnostic saying it was inferred', async () => {
      const result = await lineageOf(navigated('#"Enterprise DW"'), { dataSources: one });
      expect(summary(result)).toEqual(['sqlserver|sql-01.contoso.com|edw.dbo.dimcustomer']);
      expect(result.diagnostics).toEqual([
        expect.objectContaining({ kind: 'inferred_data_source', parameter: 'Enterprise DW' }),
      ]);
    });

    test('among several, the one whose database the name mentions as a word', async () => {
      const result = await lineageOf(navigated('#"Staging"'), { dataSources: two });
      expect(summary(result)).toEqual(['sqlserver|sql-02.contoso.com|staging.dbo.dimcustomer']);
    });

    test('several that fit, or none: unresolved, nothing invented', async () => {
      for (const dataSources of [two, []]) {
        const result = await lineageOf(navigated('#"Warehouse"'), { dataSources });
        expect(result.upstreams).toEqual([]);
        expect(result.diagnostics.map((d) => d.kind)).toEqual(['unresolved_reference']);
      }
    });

    test('a datasource type with no data-access call is not used', async () => {
      const result = await lineageOf(navigated('#"Cube"'), {
        dataSources: [{ type: 'Extension', server: 'x' }],
      });
      expect(result.upstreams).toEqual([]);
    });
  });
});
