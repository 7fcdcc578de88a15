/**
 * How many records each stream must produce for a scan result, counted straight from the JSON
 * (independently of the mapping code). The lineage count covers the edges read from ids; edges
 * found in M come on top and are checked by targeted tests.
 */
type Json = Record<string, unknown>;

const arr = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const hasText = (value: unknown) => typeof value === 'string' && value.length > 0;
const withKey = (items: Json[], key: string) => items.filter((item) => hasText(item[key]));

function usersOf(item: Json): Json[] {
  return arr(item.users ?? item.Users).filter(
    (u) => hasText(u.identifier) || hasText(u.graphId) || hasText(u.emailAddress),
  );
}

function tablesOf(ws: Json): Json[] {
  return withKey(arr(ws.datasets), 'id').flatMap((ds) => withKey(arr(ds.tables), 'name'));
}

function dependencyCount(item: Json): number {
  const targets: [string, string][] = [
    ['upstreamDatasets', 'targetDatasetId'],
    ['upstreamDataflows', 'targetDataflowId'],
    ['UpstreamDataflows', 'targetDataflowId'],
    ['upstreamDatamarts', 'targetDatamartId'],
    ['datasourceUsages', 'datasourceInstanceId'],
    ['misconfiguredDatasourceUsages', 'datasourceInstanceId'],
  ];
  return targets.reduce((sum, [list, key]) => sum + withKey(arr(item[list]), key).length, 0);
}

/** Workspace keys mapped by streams of their own; any other array of objects with an id lists Fabric items. */
const NOT_FABRIC = new Set(['reports', 'dashboards', 'datasets', 'dataflows', 'datamarts', 'users']);

function fabricItemsOf(ws: Json): Json[] {
  return Object.entries(ws)
    .filter(([key, value]) => !NOT_FABRIC.has(key.toLowerCase()) && Array.isArray(value))
    .flatMap(([, value]) =>
      withKey(
        arr(value).filter((item) => typeof item === 'object' && item !== null && !Array.isArray(item)),
        'id',
      ),
    );
}

const relationCount = (item: Json) => withKey(arr(item.relations), 'dependentOnArtifactId').length;

function itemEdgeCount(ws: Json): number {
  const reports = withKey(arr(ws.reports), 'id');
  const tiles = withKey(arr(ws.dashboards), 'id').flatMap((d) => withKey(arr(d.tiles), 'id'));
  return (
    withKey(reports, 'datasetId').length +
    withKey(reports, 'originalReportObjectId').length +
    withKey(tiles, 'reportId').length +
    withKey(tiles, 'datasetId').length +
    withKey(arr(ws.datasets), 'id').reduce((sum, ds) => sum + dependencyCount(ds), 0) +
    tablesOf(ws).reduce(
      (sum, table) => sum + dependencyCount({ datasourceUsages: table.datasourceUsages }),
      0,
    ) +
    withKey(arr(ws.dataflows), 'objectId').reduce((sum, df) => sum + dependencyCount(df), 0) +
    withKey(arr(ws.datamarts), 'id').reduce((sum, dm) => sum + dependencyCount(dm), 0) +
    [...fabricItemsOf(ws), ...withKey(arr(ws.datasets), 'id')].reduce(
      (sum, item) => sum + relationCount(item),
      0,
    )
  );
}

function perWorkspace(ws: Json): Record<string, number> {
  const dashboards = withKey(arr(ws.dashboards), 'id');
  const tables = tablesOf(ws);
  const artifacts = [
    ...withKey(arr(ws.reports), 'id'),
    ...dashboards,
    ...withKey(arr(ws.datasets), 'id'),
    ...withKey(arr(ws.dataflows), 'objectId'),
    ...withKey(arr(ws.datamarts), 'id'),
    ...fabricItemsOf(ws),
  ];
  return {
    workspaces: 1,
    reports: withKey(arr(ws.reports), 'id').length,
    dashboards: dashboards.length,
    dashboard_tiles: dashboards.reduce((sum, d) => sum + withKey(arr(d.tiles), 'id').length, 0),
    datasets: withKey(arr(ws.datasets), 'id').length,
    tables: tables.length,
    columns: tables.reduce((sum, t) => sum + withKey(arr(t.columns), 'name').length, 0),
    measures: tables.reduce((sum, t) => sum + withKey(arr(t.measures), 'name').length, 0),
    dataflows: withKey(arr(ws.dataflows), 'objectId').length,
    datamarts: withKey(arr(ws.datamarts), 'id').length,
    fabric_items: fabricItemsOf(ws).length,
    artifact_access: usersOf(ws).length + artifacts.reduce((sum, a) => sum + usersOf(a).length, 0),
    lineage: itemEdgeCount(ws),
  };
}

export function expectedCounts(scanResult: unknown): Record<string, number> {
  const result = scanResult as Json;
  const totals: Record<string, number> = {};
  for (const ws of arr(result.workspaces)) {
    for (const [stream, count] of Object.entries(perWorkspace(ws)))
      totals[stream] = (totals[stream] ?? 0) + count;
  }
  const datasourceIds = [
    ...arr(result.datasourceInstances),
    ...arr(result.misconfiguredDatasourceInstances),
  ].map((d) => d.datasourceId);
  totals.datasources = new Set(datasourceIds).size;
  return totals;
}
