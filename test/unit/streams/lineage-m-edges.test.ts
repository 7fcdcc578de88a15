/** M edges with the lineage library's process-wide cache: repeated M text in other datasets keeps each dataset's meaning. */
import type { ScanDataset, ScanResult } from '../../../src/powerbi/scan-types.js';
import { context, mapScan, scanStream } from './map-scan.js';

const TABLE_M = 'let S = Sql.Database(Server, "Sales"), T = S{[Schema="dbo",Item="Orders"]}[Data] in T';

function dataset(id: string, server: string): ScanDataset {
  return {
    id,
    name: `Sales ${server}`,
    tables: [{ name: 'Orders', source: [{ expression: TABLE_M }] }],
    expressions: [{ name: 'Server', expression: `"${server}" meta [IsParameterQuery=true, Type="Text"]` }],
  };
}

describe('lineage stream M edges', () => {
  test('the same table M in dev, test and prod datasets points at each dataset server', async () => {
    const scan: ScanResult = {
      workspaces: [
        { id: 'w1', datasets: [dataset('d-dev', 'sql-dev'), dataset('d-test', 'sql-test')] },
        { id: 'w2', datasets: [dataset('d-prod', 'sql-prod'), dataset('d-dev-copy', 'sql-dev')] },
      ],
    };
    const records = await mapScan(scanStream('lineage'), scan, context());
    const servers = records
      .filter((r) => r['relation'] === 'source')
      .map((r) => [r['sourceId'], (r['upstream'] as { server?: string } | null)?.server]);
    expect(servers).toEqual([
      ['d-dev', 'sql-dev'],
      ['d-test', 'sql-test'],
      ['d-prod', 'sql-prod'],
      ['d-dev-copy', 'sql-dev'],
    ]);
  });

  test('a table built on another table of its dataset: a table edge to that table, and the warehouse edge through it', async () => {
    const scan: ScanResult = {
      workspaces: [
        {
          id: 'w1',
          datasets: [
            {
              id: 'd1',
              name: 'Sales',
              tables: [
                { name: 'Orders', source: [{ expression: TABLE_M }] },
                {
                  name: 'Big Orders',
                  source: [
                    { expression: 'let S = Orders, F = Table.SelectRows(S, each [Amount] > 1000) in F' },
                  ],
                },
              ],
              expressions: [
                { name: 'Server', expression: '"sql-01" meta [IsParameterQuery=true, Type="Text"]' },
              ],
            },
          ],
        },
      ],
    };
    const records = await mapScan(scanStream('lineage'), scan, context());
    const fromBig = records.filter((r) => r['sourceTableName'] === 'Big Orders');
    expect(
      fromBig.map((r) => [
        r['targetType'],
        r['targetId'],
        r['targetWorkspaceId'],
        (r['upstream'] as { qualifiedName: string }).qualifiedName,
      ]),
    ).toEqual([
      ['table', 'd1', 'w1', 'orders'],
      ['external_table', null, null, 'sales.dbo.orders'],
    ]);
  });
});
