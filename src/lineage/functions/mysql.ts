/**
 * MySQL.Database(server, database, [Query=...]): MySQL has no schema level, so the navigation key
 * `Schema` names the database and names are `database.table`.
 * https://learn.microsoft.com/powerquery-m/mysql-database
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, databaseArg, NO_LINEAGE, serverArg } from './database-source.js';
import type { MValue } from '../m/values.js';

function mysqlDatabase(call: CallContext): MValue {
  const database = databaseArg(call, 1);
  if (database === undefined) return NO_LINEAGE;
  return databaseSource(
    call,
    {
      platform: 'mysql',
      server: serverArg(call, 0),
      ...database,
      levels: ['database', 'table'],
      keyLevels: { schema: 'database', item: 'table' },
    },
    2,
  );
}

export const MYSQL_FUNCTIONS: FunctionTable = {
  'MySQL.Database': mysqlDatabase,
};
