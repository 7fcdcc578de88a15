/** The column_lineage stream over a scan result: the worked example of docs/lineage.md, DAX rows, opaque rows. */
import type { ScanResult } from '../../../src/powerbi/scan-types.js';
import { context, mapScan, scanStream } from './map-scan.js';

const CUSTOMER_M = `let
    Source = Sql.Database("sql-01", "EDW"),
    dbo_DimCustomer = Source{[Schema="dbo",Item="DimCustomer"]}[Data],
    #"Renamed Columns" = Table.RenameColumns(dbo_DimCustomer, {{"CustomerAlternateKey", "Customer ID"}}),
    #"Added Custom" = Table.AddColumn(#"Renamed Columns", "Full Name", each [FirstName] & " " & [LastName])
in
    #"Added Custom"`;

const SCAN: ScanResult = {
  workspaces: [
    {
      id: 'w1',
      datasets: [
        {
          id: 'd1',
          name: 'Sales',
          tables: [
            {
              name: 'Customer',
              source: [{ expression: CUSTOMER_M }],
              columns: [
                { name: 'Customer ID', columnType: 'Data' },
                { name: 'Full Name', columnType: 'Data' },
                { name: 'Initial', columnType: 'Calculated', expression: "LEFT('Customer'[Full Name], 1)" },
              ],
              measures: [{ name: 'Customers', expression: 'DISTINCTCOUNT(Customer[Customer ID])' }],
            },
            {
              name: 'Pivoted',
              source: [
                {
                  expression:
                    'let S = Sql.Database("sql-01", "EDW"), T = S{[Schema="dbo",Item="Facts"]}[Data], P = Table.Pivot(T, {"A", "B"}, "Kind", "Value") in P',
                },
              ],
              columns: [{ name: 'A', columnType: 'Data' }],
            },
          ],
        },
      ],
    },
  ],
};

type Row = Record<string, unknown> & { upstream: Record<string, unknown> | null };

function line(row: Row): string {
  const up = row.upstream;
  const from = up === null ? '-' : `${String(up['qualifiedName'])}.${String(up['column'])}`;
  return `${String(row['tableName'])}.${String(row['name'])} ${String(row['downstreamKind'])} <- ${String(row['upstreamKind'])} ${from} ${String(row['transformation'])}${row['opaque'] === true ? ' OPAQUE' : ''}`;
}

describe('column_lineage stream', () => {
  test('the worked example of docs/lineage.md, plus a calculated column and an opaque step', async () => {
    const rows = (await mapScan(scanStream('column_lineage'), SCAN, context())) as Row[];
    expect(rows.map(line)).toEqual([
      'Customer.Customer ID column <- warehouse_column edw.dbo.dimcustomer.CustomerAlternateKey renamed',
      'Customer.Full Name column <- warehouse_column edw.dbo.dimcustomer.FirstName derived',
      'Customer.Full Name column <- warehouse_column edw.dbo.dimcustomer.LastName derived',
      'Customer.Initial calculated_column <- model_column customer.Full Name derived',
      'Customer.Customers measure <- model_column customer.Customer ID derived',
      'Pivoted.A column <- none - identity OPAQUE',
    ]);
    const opaque = rows.find((row) => row['opaque'] === true);
    expect(JSON.stringify(opaque?.['diagnostics'])).toContain('Table.Pivot');
    expect(new Set(rows.map((row) => row['edgeId'])).size).toBe(rows.length);
  });

  test('with expressions not scanned (lineage disabled) it has nothing to trace', async () => {
    expect(
      await mapScan(scanStream('column_lineage'), SCAN, context({ lineage: { enabled: false } })),
    ).toEqual([]);
  });
});
