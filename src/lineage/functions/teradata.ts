/**
 * Teradata.Database(server, [Query=...]): Teradata databases hold tables directly, so names are
 * `database.table` and the navigation key `Schema` names the database.
 * https://learn.microsoft.com/powerquery-m/teradata-database
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, serverArg } from './database-source.js';
import type { MValue } from '../m/values.js';

function teradataDatabase(call: CallContext): MValue {
  return databaseSource(
    call,
    {
      platform: 'teradata',
      server: serverArg(call, 0),
      levels: ['database', 'table'],
      keyLevels: { schema: 'database', item: 'table' },
      kindLevels: { database: 'database', schema: 'database', table: 'table', view: 'table' },
    },
    1,
  );
}

export const TERADATA_FUNCTIONS: FunctionTable = {
  'Teradata.Database': teradataDatabase,
};
