/** Edges between Power BI items and to datasource instances, read from ids in the scan result. */
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { keyedTables } from './dataset-tables.js';
import type { EdgeParts } from './lineage-edge.js';
import { reportAndTileEdges } from './lineage-report-edges.js';
import { dependencyEdges } from './lineage-upstream-edges.js';
import { list, text } from './values.js';

export function* itemEdges(ws: ScanWorkspace): Iterable<EdgeParts> {
  yield* reportAndTileEdges(ws);
  for (const ds of list(ws.datasets)) {
    const sourceId = text(ds.id);
    if (sourceId) yield* dependencyEdges({ sourceType: 'dataset', sourceId, sourceName: text(ds.name) }, ds);
  }
  for (const { dataset, datasetId, table, tableName } of keyedTables(ws)) {
    const source = {
      sourceType: 'table',
      sourceId: datasetId,
      sourceName: text(dataset.name),
      sourceTableName: tableName,
    } as const;
    yield* dependencyEdges(source, { datasourceUsages: table.datasourceUsages });
  }
  for (const df of list(ws.dataflows)) {
    const sourceId = text(df.objectId);
    if (sourceId) yield* dependencyEdges({ sourceType: 'dataflow', sourceId, sourceName: text(df.name) }, df);
  }
  for (const dm of list(ws.datamarts)) {
    const sourceId = text(dm.id);
    if (sourceId) yield* dependencyEdges({ sourceType: 'datamart', sourceId, sourceName: text(dm.name) }, dm);
  }
}
