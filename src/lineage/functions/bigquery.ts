/**
 * GoogleBigQuery.Database([BillingProject=...]) (and the Entra ID variant): navigation
 * project -> dataset (Kind="Schema") -> table/view. The billing project is kept as the server.
 * https://learn.microsoft.com/power-query/connectors/google-bigquery
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseState } from './database-source.js';
import { fieldOf, source, type MValue } from '../m/values.js';

function bigQueryDatabase(call: CallContext): MValue {
  const billing = fieldOf(call.args[0], 'BillingProject');
  const server = billing === undefined ? null : (call.textOfValue(billing, 'billing project') ?? null);
  const state = databaseState(call, {
    platform: 'bigquery',
    server,
    levels: ['database', 'schema', 'table'],
    ...(server === null ? {} : { defaults: { database: server } }),
  });
  return source(state);
}

export const BIGQUERY_FUNCTIONS: FunctionTable = {
  'GoogleBigQuery.Database': bigQueryDatabase,
  'GoogleBigQueryAad.Database': bigQueryDatabase,
};
