/**
 * Sql.Database(server, database, [Query=...]) and Sql.Databases(server): SQL Server, Azure SQL,
 * Synapse and Fabric warehouse/lakehouse SQL endpoints (recognised by host name).
 * https://learn.microsoft.com/powerquery-m/sql-database
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, databaseArg, NO_LINEAGE, serverArg } from './database-source.js';
import type { MValue } from '../m/values.js';

/** Fabric SQL analytics endpoints and warehouses answer on these hosts. */
const FABRIC_HOST =
  /\.(datawarehouse\.fabric\.microsoft\.com|datawarehouse\.pbidedicated\.windows\.net)(,\d+)?$/i;
const SYNAPSE_HOST = /\.sql\.azuresynapse\.net(,\d+)?$/i;

export function sqlPlatformOf(server: string | null): string {
  if (server === null) return 'sqlserver';
  if (FABRIC_HOST.test(server)) return 'fabric';
  if (SYNAPSE_HOST.test(server)) return 'synapse';
  return 'sqlserver';
}

function sqlDatabase(call: CallContext): MValue {
  const server = serverArg(call, 0);
  const database = databaseArg(call, 1);
  if (database === undefined) return NO_LINEAGE;
  return databaseSource(
    call,
    { platform: sqlPlatformOf(server), server, ...database, levels: ['schema', 'table'] },
    2,
  );
}

function sqlDatabases(call: CallContext): MValue {
  const server = serverArg(call, 0);
  return databaseSource(
    call,
    { platform: sqlPlatformOf(server), server, levels: ['database', 'schema', 'table'] },
    1,
  );
}

export const SQL_SERVER_FUNCTIONS: FunctionTable = {
  'Sql.Database': sqlDatabase,
  'Sql.Databases': sqlDatabases,
};
