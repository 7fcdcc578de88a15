/**
 * Lineage edges: one edge shape for item, datasource and M relations. Every id relation a scan
 * names is checked over the Power BI sample (../shared, when present) and a simulated scan; the
 * sample's own edges, M sources included, are checked by id when the sample is there.
 */
import type { ScanResult, ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import type { StreamRecord } from '../../../src/streams/stream.js';
import { context, mapScan, scanStream } from './map-scan.js';
import { loadSample, referenceScans, sampleAvailable } from './scan-fixtures.js';

type Edge = [sourceType: string, sourceId: string, relation: string, targetType: string, targetId: string];

/** The id relations a workspace names, read from the JSON alone (the ones without an id give none). */
function namedRelations(ws: ScanWorkspace): Edge[] {
  const edges: Edge[] = [];
  const add = (edge: (string | null | undefined)[]) => {
    if (edge.every(Boolean)) edges.push(edge as Edge);
  };
  for (const r of ws.reports ?? []) {
    add(['report', r.id, 'datasetId', 'dataset', r.datasetId]);
    add(['report', r.id, 'originalReportObjectId', 'report', r.originalReportObjectId]);
  }
  for (const tile of (ws.dashboards ?? []).flatMap((d) => d.tiles ?? [])) {
    add(['dashboard_tile', tile.id, 'reportId', 'report', tile.reportId]);
    add(['dashboard_tile', tile.id, 'datasetId', 'dataset', tile.datasetId]);
  }
  for (const d of ws.datasets ?? []) {
    for (const u of d.upstreamDatasets ?? [])
      add(['dataset', d.id, 'upstreamDatasets', 'dataset', u.targetDatasetId]);
    for (const u of d.upstreamDataflows ?? [])
      add(['dataset', d.id, 'upstreamDataflows', 'dataflow', u.targetDataflowId]);
    for (const u of d.datasourceUsages ?? [])
      add(['dataset', d.id, 'datasourceUsages', 'datasource', u.datasourceInstanceId]);
  }
  return edges;
}

describe.each(referenceScans().map((f) => [f.label, f.result] as const))(
  'lineage stream over the %s',
  (_label, scan) => {
    const lineage = scanStream('lineage');
    let edges: StreamRecord[] = [];
    beforeAll(async () => {
      edges = await mapScan(lineage, scan, context());
    });

    it('gives each report, tile and dataset relation the scan names as one edge of its workspace', () => {
      const expected = (scan.workspaces ?? []).flatMap((ws) =>
        namedRelations(ws).map((edge) => [ws.id, ...edge]),
      );
      expect(new Set(expected.map(([, sourceType]) => sourceType))).toEqual(
        new Set(['report', 'dashboard_tile', 'dataset']),
      );
      const found = edges.map((e) =>
        JSON.stringify([e.workspaceId, e.sourceType, e.sourceId, e.relation, e.targetType, e.targetId]),
      );
      for (const edge of expected)
        expect({ edge, count: found.filter((f) => f === JSON.stringify(edge)).length }).toEqual({
          edge,
          count: 1,
        });
    });

    it('gives a tile that names neither a report nor a dataset no edge', () => {
      const bare = (scan.workspaces ?? [])
        .flatMap((ws) => (ws.dashboards ?? []).flatMap((d) => d.tiles ?? []))
        .filter((tile) => !tile.reportId && !tile.datasetId)
        .map((tile) => tile.id);
      expect(edges.filter((e) => bare.includes(e.sourceId as string))).toEqual([]);
    });

    // Table sources and Direct Lake tables are read from M expressions; every other edge from ids.
    const fromM = (e: StreamRecord) => e.relation === 'source' || e.relation === 'directLake';

    it('emits no edge read from M when lineage parsing is off, and keeps the item edges', async () => {
      expect(edges.some((e) => e.relation === 'source')).toBe(true);
      const off = await mapScan(lineage, scan, context({ lineage: { enabled: false } }));
      expect(off.filter(fromM)).toEqual([]);
      expect(off.map((e) => e.edgeId)).toEqual(edges.filter((e) => !fromM(e)).map((e) => e.edgeId));
    });

    it('computes the same edgeIds on every run, and different ones in another workspace', async () => {
      const again = await mapScan(
        lineage,
        structuredClone(scan),
        context({ scannedAt: '2026-11-29T00:00:00.000Z' }),
      );
      expect(again.map((e) => e.edgeId)).toEqual(edges.map((e) => e.edgeId));
      const moved = structuredClone(scan);
      const first = moved.workspaces!.find((ws) => edges.some((e) => e.workspaceId === ws.id))!;
      const firstId = first.id;
      first.id = 'aaaaaaaa-0000-0000-0000-000000000000';
      const movedIds = new Set((await mapScan(lineage, moved, context())).map((e) => e.edgeId));
      const firstEdges = edges.filter((e) => e.workspaceId === firstId);
      expect(firstEdges.length).toBeGreaterThan(0);
      expect(firstEdges.some((e) => movedIds.has(e.edgeId as string))).toBe(false);
    });
  },
);

const SALES_WS = '1cefcbdb-f433-50ac-a360-2c03dce0866e';
const PREP_WS = '57ca0f1c-428b-530b-9b8f-d4b2d9e92c5a';
const SALES_MODEL = '84714f00-73a7-5f36-a65e-75ed90a2aeb0';
const SALES_OVERVIEW = '85e17528-ae4e-5192-8b77-10ea680e236b';

(sampleAvailable ? describe : describe.skip)('lineage stream over the Power BI sample, by id', () => {
  const lineage = scanStream('lineage');
  const sample: ScanResult = sampleAvailable ? loadSample() : {};
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
});
