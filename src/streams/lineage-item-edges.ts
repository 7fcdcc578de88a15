/**
 * Edges between Power BI items and to datasource instances, read from ids in the scan result:
 * report → dataset, app report → original report, tile → report/dataset, dataset → dataset,
 * {dataset, dataflow, datamart} → {dataflow, datamart}, {dataset, table, dataflow, datamart} → datasource.
 */
import type {
  ScanDatasourceUsage,
  ScanUpstreamDataflow,
  ScanUpstreamDatamart,
  ScanUpstreamDataset,
  ScanWorkspace,
} from '../powerbi/scan-types.js';
import { keyedTables } from './dataset-tables.js';
import type { EdgeParts } from './lineage-edge.js';
import { list, text } from './values.js';

type Source = Pick<
  EdgeParts,
  'sourceType' | 'sourceId' | 'sourceName' | 'sourceDashboardId' | 'sourceTableName'
>;
type Maybe<T> = readonly T[] | null | undefined;

function sameWorkspaceIf(found: boolean, ws: ScanWorkspace): string | null {
  return found ? ws.id : null;
}

function* upstreamEdges(
  source: Source,
  item: {
    upstreamDatasets?: Maybe<ScanUpstreamDataset>;
    upstreamDataflows?: Maybe<ScanUpstreamDataflow>;
    UpstreamDataflows?: Maybe<ScanUpstreamDataflow>;
    upstreamDatamarts?: Maybe<ScanUpstreamDatamart>;
    datasourceUsages?: Maybe<ScanDatasourceUsage>;
    misconfiguredDatasourceUsages?: Maybe<ScanDatasourceUsage>;
  },
): Iterable<EdgeParts> {
  for (const up of list(item.upstreamDatasets)) {
    const targetId = text(up.targetDatasetId);
    if (targetId)
      yield {
        ...source,
        relation: 'upstreamDatasets',
        targetType: 'dataset',
        targetId,
        targetWorkspaceId: text(up.groupId),
      };
  }
  for (const up of list(item.upstreamDataflows ?? item.UpstreamDataflows)) {
    const targetId = text(up.targetDataflowId);
    if (targetId)
      yield {
        ...source,
        relation: 'upstreamDataflows',
        targetType: 'dataflow',
        targetId,
        targetWorkspaceId: text(up.groupId),
      };
  }
  for (const up of list(item.upstreamDatamarts)) {
    const targetId = text(up.targetDatamartId);
    if (targetId)
      yield {
        ...source,
        relation: 'upstreamDatamarts',
        targetType: 'datamart',
        targetId,
        targetWorkspaceId: text(up.groupId),
      };
  }
  for (const relation of ['datasourceUsages', 'misconfiguredDatasourceUsages'] as const) {
    for (const usage of list(item[relation])) {
      const targetId = text(usage.datasourceInstanceId);
      if (targetId)
        yield { ...source, relation, targetType: 'datasource', targetId, targetWorkspaceId: null };
    }
  }
}

function* reportAndTileEdges(ws: ScanWorkspace): Iterable<EdgeParts> {
  const reportIds = new Set(list(ws.reports).map((r) => text(r.id)));
  const datasetIds = new Set(list(ws.datasets).map((d) => text(d.id)));
  for (const report of list(ws.reports)) {
    const sourceId = text(report.id);
    if (!sourceId) continue;
    const source: Source = { sourceType: 'report', sourceId, sourceName: text(report.name) };
    const datasetId = text(report.datasetId);
    if (datasetId) {
      const targetWorkspaceId =
        text(report.datasetWorkspaceId) ?? sameWorkspaceIf(datasetIds.has(datasetId), ws);
      yield {
        ...source,
        relation: 'datasetId',
        targetType: 'dataset',
        targetId: datasetId,
        targetWorkspaceId,
      };
    }
    const originalId = text(report.originalReportObjectId);
    if (originalId) {
      const targetWorkspaceId = sameWorkspaceIf(reportIds.has(originalId), ws);
      yield {
        ...source,
        relation: 'originalReportObjectId',
        targetType: 'report',
        targetId: originalId,
        targetWorkspaceId,
      };
    }
  }
  for (const dashboard of list(ws.dashboards)) {
    const sourceDashboardId = text(dashboard.id);
    for (const tile of list(dashboard.tiles)) {
      const sourceId = text(tile.id);
      if (!sourceId || !sourceDashboardId) continue;
      const source: Source = {
        sourceType: 'dashboard_tile',
        sourceId,
        sourceName: text(tile.title),
        sourceDashboardId,
      };
      const reportId = text(tile.reportId);
      if (reportId) {
        const targetWorkspaceId = sameWorkspaceIf(reportIds.has(reportId), ws);
        yield {
          ...source,
          relation: 'reportId',
          targetType: 'report',
          targetId: reportId,
          targetWorkspaceId,
        };
      }
      const datasetId = text(tile.datasetId);
      if (datasetId) {
        const targetWorkspaceId =
          text(tile.datasetWorkspaceId) ?? sameWorkspaceIf(datasetIds.has(datasetId), ws);
        yield {
          ...source,
          relation: 'datasetId',
          targetType: 'dataset',
          targetId: datasetId,
          targetWorkspaceId,
        };
      }
    }
  }
}

export function* itemEdges(ws: ScanWorkspace): Iterable<EdgeParts> {
  yield* reportAndTileEdges(ws);
  for (const ds of list(ws.datasets)) {
    const sourceId = text(ds.id);
    if (sourceId) yield* upstreamEdges({ sourceType: 'dataset', sourceId, sourceName: text(ds.name) }, ds);
  }
  for (const { dataset, datasetId, table, tableName } of keyedTables(ws)) {
    const source: Source = {
      sourceType: 'table',
      sourceId: datasetId,
      sourceName: text(dataset.name),
      sourceTableName: tableName,
    };
    yield* upstreamEdges(source, { datasourceUsages: table.datasourceUsages });
  }
  for (const df of list(ws.dataflows)) {
    const sourceId = text(df.objectId);
    if (sourceId) yield* upstreamEdges({ sourceType: 'dataflow', sourceId, sourceName: text(df.name) }, df);
  }
  for (const dm of list(ws.datamarts)) {
    const sourceId = text(dm.id);
    if (sourceId) yield* upstreamEdges({ sourceType: 'datamart', sourceId, sourceName: text(dm.name) }, dm);
  }
}
