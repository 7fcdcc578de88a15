/** Tables of datasets, with storage mode and the M (or DAX) `source` expressions. */
import type { TablesRecord } from '../generated/records.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { keyedTables } from './dataset-tables.js';
import { datasourceUsages } from './nested.js';
import { defineStream, type MappingContext } from './stream.js';
import { flag, list, text } from './values.js';

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<TablesRecord> {
  for (const { datasetId, table, tableName } of keyedTables(ws)) {
    yield {
      workspaceId: ws.id,
      scannedAt: ctx.scannedAt,
      datasetId,
      name: tableName,
      description: text(table.description),
      isHidden: flag(table.isHidden),
      storageMode: text(table.storageMode),
      source: table.source ? list(table.source).map((s) => ({ expression: text(s?.expression) })) : null,
      datasourceUsages: datasourceUsages(table.datasourceUsages),
    };
  }
}

export const tablesStream = defineStream<TablesRecord>({
  name: 'tables',
  primaryKey: ['datasetId', 'name'],
  fromWorkspace,
});
