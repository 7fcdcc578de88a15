/**
 * AmazonRedshift.Database(server, database, options): navigation schema -> table by Name.
 * https://learn.microsoft.com/power-query/connectors/amazon-redshift
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, NO_LINEAGE, requireArg, serverArg } from './database-source.js';
import type { MValue } from '../m/values.js';

function redshiftDatabase(call: CallContext): MValue {
  const database = requireArg(call, 1, 'database');
  if (database === undefined) return NO_LINEAGE;
  return databaseSource(
    call,
    { platform: 'redshift', server: serverArg(call, 0), parts: { database }, levels: ['schema', 'table'] },
    2,
  );
}

export const REDSHIFT_FUNCTIONS: FunctionTable = {
  'AmazonRedshift.Database': redshiftDatabase,
};
