/**
 * AmazonRedshift.Database(server, database, options): navigation schema -> table by Name.
 * https://learn.microsoft.com/power-query/connectors/amazon-redshift
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, databaseArg, NO_LINEAGE, serverArg } from './database-source.js';
import type { MValue } from '../m/values.js';

function redshiftDatabase(call: CallContext): MValue {
  const database = databaseArg(call, 1);
  if (database === undefined) return NO_LINEAGE;
  return databaseSource(
    call,
    { platform: 'redshift', server: serverArg(call, 0), ...database, levels: ['schema', 'table'] },
    2,
  );
}

export const REDSHIFT_FUNCTIONS: FunctionTable = {
  'AmazonRedshift.Database': redshiftDatabase,
};
