/**
 * Fabric connectors addressing items by id: Lakehouse.Contents / Warehouse.Contents /
 * Fabric.Warehouse navigated workspaceId -> lakehouseId|warehouseId -> table. Names are
 * `itemid.schema.table` (`itemid.table` when the navigation gives no schema). The SQL endpoints
 * reached through Sql.Database are named like SQL Server (see sql-server.ts).
 * https://learn.microsoft.com/fabric/data-warehouse/connectivity
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { KIND_LEVELS } from '../m/navigation.js';
import { source, type MValue } from '../m/values.js';

function fabricContents(call: CallContext): MValue {
  return source({
    via: call.name,
    platform: 'fabric',
    kind: 'table',
    server: null,
    parts: {},
    rules: {
      levels: ['catalog', 'database', 'schema', 'table'],
      keyLevels: {
        workspaceid: 'catalog',
        lakehouseid: 'database',
        warehouseid: 'database',
        schema: 'schema',
        item: 'table',
        id: 'table',
        name: 'table',
      },
      kindLevels: KIND_LEVELS,
    },
  });
}

export const FABRIC_FUNCTIONS: FunctionTable = {
  'Lakehouse.Contents': fabricContents,
  'Warehouse.Contents': fabricContents,
  'Fabric.Warehouse': fabricContents,
};
