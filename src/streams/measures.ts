/** DAX measures, keyed by dataset, home table and name. */
import type { MeasuresRecord } from '../generated/records.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { keyedTables } from './dataset-tables.js';
import { defineStream, type MappingContext } from './stream.js';
import { flag, list, text } from './values.js';

function* fromWorkspace(ws: ScanWorkspace, ctx: MappingContext): Iterable<MeasuresRecord> {
  for (const { datasetId, table, tableName } of keyedTables(ws)) {
    for (const measure of list(table.measures)) {
      const name = text(measure.name);
      if (name === null) continue;
      yield {
        workspaceId: ws.id,
        scannedAt: ctx.scannedAt,
        datasetId,
        tableName,
        name,
        expression: text(measure.expression),
        formatString: text(measure.formatString),
        description: text(measure.description),
        isHidden: flag(measure.isHidden),
      };
    }
  }
}

export const measuresStream = defineStream<MeasuresRecord>({
  name: 'measures',
  primaryKey: ['datasetId', 'tableName', 'name'],
  fromWorkspace,
});
