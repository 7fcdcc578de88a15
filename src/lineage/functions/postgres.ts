/**
 * PostgreSQL.Database(server, database, [Query=...]): navigation `{[Schema=..., Item=...]}`.
 * https://learn.microsoft.com/powerquery-m/postgresql-database
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, databaseArg, NO_LINEAGE, serverArg } from './database-source.js';
import type { MValue } from '../m/values.js';

function postgresDatabase(call: CallContext): MValue {
  const database = databaseArg(call, 1);
  if (database === undefined) return NO_LINEAGE;
  return databaseSource(
    call,
    { platform: 'postgres', server: serverArg(call, 0), ...database, levels: ['schema', 'table'] },
    2,
  );
}

export const POSTGRES_FUNCTIONS: FunctionTable = {
  'PostgreSQL.Database': postgresDatabase,
};
