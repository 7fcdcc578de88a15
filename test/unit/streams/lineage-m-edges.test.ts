/** M edges with the lineage library's process-wide cache: repeated M text in other datasets keeps each dataset's meaning. */
import type { ScanDataset, ScanResult } from '../../../src/powerbi/scan-types.js';
import { DeferredLineage } from '../../../src/streams/lineage-deferred.js';
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

  describe('a structured data source only the batch datasources can resolve (models from Analysis Services)', () => {
    const scan: ScanResult = {
      workspaces: [
        {
          id: 'w1',
          datasets: [
            {
              id: 'd1',
              name: 'Migrated',
              tables: [
                {
                  name: 'Sales',
                  source: [
                    {
                      expression:
                        'let Source = #"Warehouse", T = Source{[Schema="dbo",Item="FactSales"]}[Data] in T',
                    },
                  ],
                },
              ],
              datasourceUsages: [{ datasourceInstanceId: 'DS-1' }],
            },
          ],
        },
      ],
      datasourceInstances: [
        {
          datasourceType: 'Sql',
          connectionDetails: { server: 'sql-01', database: 'EDW' },
          datasourceId: 'ds-1',
        },
        {
          datasourceType: 'Sql',
          connectionDetails: { server: 'other', database: 'X' },
          datasourceId: 'ds-2',
        },
      ],
    };
    const upstreams = (records: Record<string, unknown>[]) =>
      records.map((r) => [
        r['targetType'],
        (r['upstream'] as { qualifiedName?: string } | null)?.qualifiedName ?? null,
      ]);
    const kinds = (records: Record<string, unknown>[]) =>
      records.flatMap((r) => ((r['diagnostics'] as { kind: string }[] | null) ?? []).map((d) => d.kind));

    test('in a read, its edges wait for the batch and name the dataset datasource', async () => {
      const records = await mapScan(
        scanStream('lineage'),
        scan,
        context({ lineage: { enabled: true, deferred: new DeferredLineage() } }),
      );
      const sources = records.filter((r) => r['relation'] === 'source');
      expect(upstreams(sources)).toEqual([['external_table', 'edw.dbo.factsales']]);
      expect(kinds(sources)).toEqual(['inferred_data_source']);
    });

    test('without a batch to wait for, the table says what it could not resolve', async () => {
      const records = await mapScan(scanStream('lineage'), scan, context());
      const sources = records.filter((r) => r['relation'] === 'source');
      expect(upstreams(sources)).toEqual([['unresolved', null]]);
      expect(kinds(sources)).toEqual(['unresolved_reference']);
    });
  });
});
