/** Lineage edges of the Power BI sample: one edge shape for item, datasource and M relations. */
import type { ScanResult } from '../../../src/powerbi/scan-types.js';
import type { StreamRecord } from '../../../src/streams/stream.js';
import { context, mapScan, scanStream } from './map-scan.js';
import { loadSample, sharedAvailable } from './scan-fixtures.js';

const SALES_WS = '1cefcbdb-f433-50ac-a360-2c03dce0866e';
const PREP_WS = '57ca0f1c-428b-530b-9b8f-d4b2d9e92c5a';
const SALES_MODEL = '84714f00-73a7-5f36-a65e-75ed90a2aeb0';
const SALES_OVERVIEW = '85e17528-ae4e-5192-8b77-10ea680e236b';

(sharedAvailable ? describe : describe.skip)('lineage stream', () => {
  const lineage = scanStream('lineage');
  const sample: ScanResult = loadSample();
  let edges: StreamRecord[] = [];
  beforeAll(async () => {
    edges = await mapScan(lineage, sample, context());
  });
  const find = (match: Record<string, unknown>) =>
    edges.filter((e) => Object.entries(match).every(([k, v]) => e[k] === v));

  it('links a report to its dataset in the same workspace', () => {
    expect(find({ sourceType: 'report', sourceId: SALES_OVERVIEW, relation: 'datasetId' })).toEqual([
      expect.objectContaining({
        workspaceId: SALES_WS,
        targetType: 'dataset',
        targetId: SALES_MODEL,
        targetWorkspaceId: SALES_WS,
      }),
    ]);
  });

  it('links an app report to the report it was published from', () => {
    expect(find({ relation: 'originalReportObjectId' })).toEqual([
      expect.objectContaining({
        sourceId: '8061e427-f7fc-5190-bb8c-2df872c7449a',
        targetType: 'report',
        targetId: SALES_OVERVIEW,
      }),
    ]);
  });

  it('links tiles to their report and dataset, and not the tile that has neither', () => {
    const tiles = find({ sourceType: 'dashboard_tile' });
    expect(
      find({
        sourceType: 'dashboard_tile',
        sourceId: 'a5384703-6f77-57a0-837f-2d53b997a617',
        targetType: 'report',
      }),
    ).toEqual([
      expect.objectContaining({
        targetId: SALES_OVERVIEW,
        sourceDashboardId: '2b450703-1b95-52f5-b506-354139677a95',
      }),
    ]);
    expect(tiles.filter((e) => e.targetType === 'report')).toHaveLength(2);
    expect(tiles.filter((e) => e.targetType === 'dataset')).toHaveLength(3);
    expect(tiles.some((e) => e.sourceId === 'cdd16af8-b39b-5697-a785-63284ac6d458')).toBe(false);
  });

  it('links datasets to datasets, dataflows and datasources, and dataflows and datamarts upstream', () => {
    expect(find({ sourceId: 'cb9de876-1746-5332-95f2-56e43d977dc6', relation: 'upstreamDatasets' })).toEqual([
      expect.objectContaining({
        sourceType: 'dataset',
        targetType: 'dataset',
        targetId: SALES_MODEL,
        targetWorkspaceId: SALES_WS,
      }),
    ]);
    expect(find({ sourceId: 'b8f90665-71c5-539b-9f58-14370ef7f140', relation: 'upstreamDataflows' })).toEqual(
      [
        expect.objectContaining({
          targetType: 'dataflow',
          targetId: 'c538f574-4761-54be-959b-b69cf760bc17',
          targetWorkspaceId: PREP_WS,
        }),
      ],
    );
    expect(
      find({ sourceId: SALES_MODEL, targetType: 'datasource' }).map((e) => [e.relation, e.targetId]),
    ).toEqual([
      ['datasourceUsages', '67f43588-7964-5a7a-8997-0f7fd1138eb0'],
      ['datasourceUsages', '5ada86a1-079a-5bfb-8c75-8168552c2ca7'],
      ['misconfiguredDatasourceUsages', '610c2cb2-3b2b-5bb3-8b27-1a54f6c4d7ce'],
    ]);
    expect(find({ sourceType: 'dataflow', relation: 'upstreamDataflows' })).toEqual([
      expect.objectContaining({
        sourceId: 'c538f574-4761-54be-959b-b69cf760bc17',
        targetId: '68624688-3b7a-56f3-bc40-74e97c247ba2',
      }),
    ]);
    expect(find({ sourceType: 'datamart', targetType: 'dataflow' })).toHaveLength(1);
    expect(find({ sourceType: 'dataflow', targetType: 'datasource' })).toHaveLength(2);
  });

  it('links a dataset table to the warehouse table its M reads', () => {
    const [edge] = find({ sourceType: 'table', sourceTableName: 'DimCustomer', relation: 'source' });
    expect(edge).toMatchObject({
      sourceId: SALES_MODEL,
      sourceName: 'Sales Model',
      targetType: 'external_table',
      targetId: null,
      diagnostics: null,
    });
    expect(edge?.upstream).toMatchObject({
      platform: 'sqlserver',
      server: 'sql-prod-01.database.windows.net',
      database: 'SalesDW',
      schema: 'dbo',
      table: 'DimCustomer',
      qualifiedName: 'salesdw.dbo.dimcustomer',
    });
  });

  // Dataset and table of the sample -> what the table's M reads, as `targetType platform qualifiedName`.
  const expectedM: [string, string, string[]][] = [
    ['Sales Model', 'FactSales', ['external_table sqlserver salesdw.dbo.factsales']], // via dataset parameters
    ['Sales Model', 'DimProduct', ['external_table sqlserver salesdw.dbo.dimproduct']], // via a shared query
    [
      'Sales Model',
      'Region',
      ['external_table sqlserver salesdw.dbo.dimcountry', 'external_table sqlserver salesdw.dbo.dimregion'],
    ],
    ['Finance GL (DirectQuery)', 'JOURNAL_LINES', ['external_table snowflake finance.gl.journal_lines']],
    [
      'Finance GL (DirectQuery)',
      'Account Balances',
      ['external_table snowflake finance.gl.accounts', 'external_table snowflake finance.gl.journal_lines'],
    ],
    [
      'Sales Model',
      'Budget',
      ['file file https://contoso.sharepoint.com/sites/finance/shared documents/budget 2026.xlsx'],
    ],
    [
      'Customer 360',
      'Customers',
      [
        'dataflow dataflow 57ca0f1c-428b-530b-9b8f-d4b2d9e92c5a.c538f574-4761-54be-959b-b69cf760bc17.customers',
      ],
    ],
  ];
  it.each(expectedM)('links %s table %s to what its M reads', (datasetName, tableName, expected) => {
    const edges = find({ sourceName: datasetName, sourceTableName: tableName, relation: 'source' });
    const found = edges.map((e) => {
      const up = e.upstream as { platform: string; qualifiedName: string };
      return `${e.targetType as string} ${up.platform} ${up.qualifiedName}`;
    });
    expect(found.sort()).toEqual(expected);
  });

  it('links a composite model table to the Power BI dataset it reads through AnalysisServices', () => {
    const composite = find({ sourceId: 'cb9de876-1746-5332-95f2-56e43d977dc6', relation: 'source' });
    expect(composite).toEqual([
      expect.objectContaining({
        sourceTableName: 'FactSales',
        targetType: 'dataset',
        upstream: expect.objectContaining({ platform: 'powerbi', table: 'Sales Model' }) as unknown,
      }),
    ]);
  });

  it('gives no M edge and no diagnostic for a DAX calculated table', () => {
    expect(find({ sourceType: 'table', sourceTableName: 'Date' })).toEqual([]);
  });

  it('emits no M edge when lineage parsing is off, and keeps the item edges', async () => {
    const off = await mapScan(lineage, sample, context({ lineage: { enabled: false } }));
    expect(off.some((e) => e.relation === 'source')).toBe(false);
    expect(off.length).toBe(edges.filter((e) => e.relation !== 'source').length);
  });

  it('computes the same edgeIds on every run, and different ones in another workspace', async () => {
    const again = await mapScan(lineage, loadSample(), context({ scannedAt: '2026-11-29T00:00:00.000Z' }));
    expect(again.map((e) => e.edgeId)).toEqual(edges.map((e) => e.edgeId));
    const moved = structuredClone(sample);
    moved.workspaces![0]!.id = 'aaaaaaaa-0000-0000-0000-000000000000';
    const movedIds = new Set((await mapScan(lineage, moved, context())).map((e) => e.edgeId));
    expect(
      edges.filter((e) => e.workspaceId === SALES_WS).some((e) => movedIds.has(e.edgeId as string)),
    ).toBe(false);
  });
});
