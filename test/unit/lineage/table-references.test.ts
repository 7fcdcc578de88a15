/** References from one table's M to another table of the same dataset (`Source = Sales_fct`). */
import type { NamedExpression } from '../../../src/lineage/index.js';
import { lineageOf } from './helpers.js';

const warehouse = (item: string) =>
  `let Source = Sql.Database("sql-01", "EDW"), dbo_${item} = Source{[Schema="dbo",Item="${item}"]}[Data] in dbo_${item}`;

const TABLES: NamedExpression[] = [
  { name: 'Sales_fct', expression: warehouse('FactSales') },
  { name: 'Dim Customer', expression: warehouse('DimCustomer') },
  {
    name: 'Sales Enriched',
    expression: `let Source = Sales_fct, #"Merged" = Table.NestedJoin(Source, {"CustomerKey"}, #"Dim Customer", {"CustomerKey"}, "C", JoinKind.LeftOuter) in #"Merged"`,
  },
  { name: 'Cycle A', expression: 'let Source = #"Cycle B" in Source' },
  { name: 'Cycle B', expression: 'let Source = #"Cycle A" in Source' },
  { name: 'Calculated', expression: 'FILTER(Sales_fct, Sales_fct[Amount] > 0)' },
];

function summary(result: Awaited<ReturnType<typeof lineageOf>>): string[] {
  return result.upstreams.map((u) => `${u.kind}:${u.qualifiedName}`);
}

describe('references between tables of one dataset', () => {
  test('a table built on another: that table as a model_table reference, and its warehouse table', async () => {
    const result = await lineageOf(
      'let Source = Sales_fct, F = Table.SelectRows(Source, each [Amount] > 0) in F',
      {
        tables: TABLES,
        tableName: 'Positive Sales',
      },
    );
    expect(summary(result)).toEqual(['model_table:sales_fct', 'table:edw.dbo.factsales']);
    expect(result.upstreams[0]).toEqual(
      expect.objectContaining({ platform: 'powerbi', table: 'Sales_fct', kind: 'model_table' }),
    );
    expect(result.diagnostics).toEqual([]);
  });

  test('through a table that joins two others: the warehouse tables transitively, the model table it reads directly', async () => {
    const result = await lineageOf('let Source = #"Sales Enriched" in Source', { tables: TABLES });
    // Sales Enriched's own model edges (to Sales_fct and Dim Customer) are that table's records.
    expect(summary(result)).toEqual([
      'model_table:sales enriched',
      'table:edw.dbo.dimcustomer',
      'table:edw.dbo.factsales',
    ]);
  });

  test('a reference cycle ends with a diagnostic', async () => {
    const result = await lineageOf(TABLES[3]?.expression ?? '', { tables: TABLES, tableName: 'Cycle A' });
    expect(summary(result)).toEqual(['model_table:cycle b']);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['cyclic_reference']);
  });

  test('a dataset query of the same name wins over the table', async () => {
    const result = await lineageOf('let Source = Sales_fct in Source', {
      tables: TABLES,
      expressions: [{ name: 'Sales_fct', expression: warehouse('StagingSales') }],
    });
    expect(summary(result)).toEqual(['table:edw.dbo.stagingsales']);
  });

  test('a DAX calculated table is not read as M', async () => {
    const result = await lineageOf('let Source = Calculated in Source', { tables: TABLES });
    expect(result.upstreams).toEqual([]);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['unresolved_reference']);
  });

  test('without the tables, the same M says the name is unresolved (the result cache keeps them apart)', async () => {
    const m = 'let Source = Sales_fct, F = Table.SelectRows(Source, each [Amount] > 1) in F';
    const withTables = await lineageOf(m, { tables: TABLES });
    const without = await lineageOf(m);
    expect(summary(withTables)).toEqual(['model_table:sales_fct', 'table:edw.dbo.factsales']);
    expect(without.upstreams).toEqual([]);
    expect(without.diagnostics.map((d) => d.kind)).toEqual(['unresolved_reference']);
  });
});

test('a 1,000-step query is walked to its source without a limit diagnostic', async () => {
  const steps = [
    'Source = Sql.Database("sql-01", "EDW")',
    'T0 = Source{[Schema="dbo",Item="FactSales"]}[Data]',
  ];
  for (let step = 1; step <= 1000; step += 1)
    steps.push(`T${step} = Table.RenameColumns(T${step - 1}, {{"c${step}", "d${step}"}})`);
  const result = await lineageOf(`let\n  ${steps.join(',\n  ')}\nin\n  T1000`);
  expect(summary(result)).toEqual(['table:edw.dbo.factsales']);
  expect(result.diagnostics).toEqual([]);
});
