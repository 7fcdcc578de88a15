/** Columns of dataset tables; calculated columns keep their DAX `expression`. */
import type { ColumnsRecord } from '../generated/records.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { keyedTables } from './dataset-tables.js';
import { defineStream, type MappingContext } from './stream.js';
import { flag, list, text } from './values.js';

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<ColumnsRecord> {
  for (const { datasetId, table, tableName } of keyedTables(ws)) {
    for (const column of list(table.columns)) {
      const name = text(column.name);
      if (name === null) continue;
      yield {
        workspaceId: ws.id,
        scannedAt: ctx.scannedAt,
        datasetId,
        tableName,
        name,
        dataType: text(column.dataType),
        formatString: text(column.formatString),
        sortByColumn: text(column.sortByColumn),
        dataCategory: text(column.dataCategory),
        isHidden: flag(column.isHidden),
        summarizeBy: text(column.summarizeBy),
        columnType: text(column.columnType),
        expression: text(column.expression),
      };
    }
  }
}

export const columnsStream = defineStream<ColumnsRecord>({
  name: 'columns',
  primaryKey: ['datasetId', 'tableName', 'name'],
  fromWorkspace,
});
