/**
 * Data columns of an M expression that gives no column answer (it does not parse) are opaque,
 * each with the analysis's reason: a column is traced or says why not, never left out. A
 * calculated table's DAX has no M columns and gives no such rows.
 */
import type { ScanResult } from '../../../src/powerbi/scan-types.js';
import { context, mapScan, scanStream } from '../streams/map-scan.js';

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
              name: 'Broken',
              // A step name with a space, not quoted: not M.
              source: [
                {
                  expression:
                    'let\n    Source = Sql.Database("sql-01", "EDW"),\n    Removed = Table.RemoveColumns(dbo_Customer Details, {"X"})\nin\n    Removed',
                },
              ],
              columns: [
                { name: 'Key', columnType: 'Data' },
                { name: 'Name', columnType: 'Data' },
                { name: 'Label', columnType: 'Calculated', expression: 'UPPER([Name])' },
              ],
            },
            {
              name: 'Date',
              source: [{ expression: 'CALENDAR(DATE(2020, 1, 1), DATE(2025, 12, 31))' }],
              columns: [
                { name: 'Date', columnType: 'CalculatedTableColumn' },
                { name: 'Year', columnType: 'Calculated', expression: "YEAR('Date'[Date])" },
              ],
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

describe('column lineage of M that gives no column answer', () => {
  test('each data column is opaque with the parse error; DAX rows are still there', async () => {
    const rows = (await mapScan(scanStream('column_lineage'), SCAN, context())) as Row[];
    const broken = rows.filter((r) => r['tableName'] === 'Broken');
    expect(broken.map((r) => [r['name'], r['downstreamKind'], r['upstreamKind'], r['opaque']])).toEqual([
      ['Key', 'column', 'none', true],
      ['Name', 'column', 'none', true],
      ['Label', 'calculated_column', 'model_column', false],
    ]);
    for (const row of broken.slice(0, 2))
      expect(row.diagnostics?.map((d) => d.kind)).toEqual(['unparsable_expression']);
  });

  test('a calculated table (DAX) gives only its calculated columns', async () => {
    const rows = (await mapScan(scanStream('column_lineage'), SCAN, context())) as Row[];
    expect(rows.filter((r) => r['tableName'] === 'Date').map((r) => [r['name'], r['upstreamKind']])).toEqual([
      ['Year', 'model_column'],
    ]);
  });
});
