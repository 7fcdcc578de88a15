/**
 * Snowflake.Databases(server, warehouse, options): navigation database -> schema -> table/view.
 * https://learn.microsoft.com/power-query/connectors/snowflake
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, serverArg } from './database-source.js';
import type { MValue } from '../m/values.js';

function snowflakeDatabases(call: CallContext): MValue {
  return databaseSource(
    call,
    { platform: 'snowflake', server: serverArg(call, 0), levels: ['database', 'schema', 'table'] },
    2,
  );
}

export const SNOWFLAKE_FUNCTIONS: FunctionTable = {
  'Snowflake.Databases': snowflakeDatabases,
};
