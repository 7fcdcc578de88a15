/** Walks datasets → tables of a workspace, yielding only the ones that can be keyed (dataset id and table name). */
import type { ScanDataset, ScanTable, ScanWorkspace } from '../powerbi/scan-types.js';
import { list, text } from './values.js';

export interface KeyedTable {
  dataset: ScanDataset;
  datasetId: string;
  table: ScanTable;
  tableName: string;
}

export function* keyedTables(ws: ScanWorkspace): Iterable<KeyedTable> {
  for (const dataset of list(ws.datasets)) {
    const datasetId = text(dataset.id);
    if (!datasetId) continue;
    for (const table of list(dataset.tables)) {
      const tableName = text(table.name);
      if (tableName !== null) yield { dataset, datasetId, table, tableName };
    }
  }
}
