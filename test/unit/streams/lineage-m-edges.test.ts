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
});
