/**
 * AmazonAthena.Databases(region or DSN, options): navigation catalog -> database -> table.
 * Athena calls its catalog level "Database" and its database level "Schema" in navigation Kinds.
 * https://learn.microsoft.com/power-query/connectors/amazon-athena
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, serverArg } from './database-source.js';
import type { MValue } from '../m/values.js';

function athenaDatabases(call: CallContext): MValue {
  return databaseSource(
    call,
    {
      platform: 'athena',
      server: serverArg(call, 0),
      levels: ['catalog', 'database', 'table'],
      keyLevels: { catalog: 'catalog', schema: 'database', item: 'table' },
      kindLevels: {
        database: 'catalog',
        catalog: 'catalog',
        schema: 'database',
        table: 'table',
        view: 'table',
      },
    },
    1,
  );
}

export const ATHENA_FUNCTIONS: FunctionTable = {
  'AmazonAthena.Databases': athenaDatabases,
};
