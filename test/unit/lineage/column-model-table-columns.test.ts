/**
 * A table whose M reads other tables of the model by name reads their columns: only those the
 * model says they have. A column none of them has is opaque, with a diagnostic naming it and the
 * table, never a row to a column that does not exist.
 */
import type { ScanResult } from '../../../src/powerbi/scan-types.js';
import { context, mapScan, scanStream } from '../streams/map-scan.js';

const NAVIGATE = (item: string) =>
  `let Source = Sql.Database("sql-01", "EDW"), T = Source{[Schema="dbo",Item="${item}"]}[Data] in T`;

function dataColumns(...names: string[]) {
  return names.map((name) => ({ name, columnType: 'Data' }));
}

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
              name: 'Orders',
              source: [{ expression: NAVIGATE('Orders') }],
              columns: dataColumns('Key', 'Amount'),
            },
            {
              name: 'Archive',
              source: [{ expression: NAVIGATE('Archive') }],
              columns: dataColumns('Key', 'Note'),
            },
            {
              name: 'Orders (Filtered)',
              source: [
                { expression: 'let Source = Orders, F = Table.SelectRows(Source, each [Amount] > 0) in F' },
              ],
              columns: dataColumns('Amount', 'City'),
            },
            {
              name: 'All Orders',
              source: [{ expression: 'let Source = Table.Combine({Orders, Archive}) in Source' }],
              columns: dataColumns('Key', 'Note', 'Country'),
            },
          ],
        },
      ],
    },
  ],
};

type Row = Record<string, unknown> & {
  upstream: Record<string, unknown> | null;
  diagnostics: { kind: string; message: string }[] | null;
};

function line(row: Row): string {
  const up = row.upstream;
  const from = up === null ? '-' : `${String(up['qualifiedName'])}.${String(up['column'])}`;
  return `${String(row['tableName'])}.${String(row['name'])} <- ${String(row['upstreamKind'])} ${from}${row['opaque'] === true ? ' OPAQUE' : ''}`;
}

describe('columns read from other tables of the model', () => {
  let rows: Row[];
  beforeAll(async () => {
    rows = (await mapScan(scanStream('column_lineage'), SCAN, context())) as Row[];
  });

  test('a column the referenced table has is its model column; one it lacks is opaque', () => {
    expect(rows.filter((r) => r['tableName'] === 'Orders (Filtered)').map(line)).toEqual([
      'Orders (Filtered).Amount <- model_column orders.Amount',
      'Orders (Filtered).City <- none - OPAQUE',
    ]);
  });

  test('appended tables: a column comes from each table that has it, from none when none has it', () => {
    expect(rows.filter((r) => r['tableName'] === 'All Orders').map(line)).toEqual([
      'All Orders.Key <- model_column orders.Key',
      'All Orders.Key <- model_column archive.Key',
      'All Orders.Note <- model_column archive.Note',
      'All Orders.Country <- none - OPAQUE',
    ]);
  });

  test('the opaque row says which column and which table', () => {
    const city = rows.find((r) => r['tableName'] === 'Orders (Filtered)' && r['name'] === 'City');
    expect(city?.diagnostics).toEqual([
      {
        kind: 'opaque_columns',
        message: expect.stringMatching(/"City".*"Orders".*no such column/) as unknown,
      },
    ]);
  });

  test('a referenced table the scan lists without columns says nothing: its columns pass through', async () => {
    const bare: ScanResult = JSON.parse(JSON.stringify(SCAN)) as ScanResult;
    const orders = bare.workspaces?.[0]?.datasets?.[0]?.tables?.[0];
    if (orders) orders.columns = [];
    const traced = (await mapScan(scanStream('column_lineage'), bare, context())) as Row[];
    expect(traced.filter((r) => r['tableName'] === 'Orders (Filtered)').map(line)).toEqual([
      'Orders (Filtered).Amount <- model_column orders.Amount',
      'Orders (Filtered).City <- model_column orders.City',
    ]);
  });
});
