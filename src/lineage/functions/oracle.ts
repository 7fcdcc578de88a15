/**
 * Oracle.Database(server, [HierarchicalNavigation=..., Query=...]). The database part of names is the
 * service name: `host:1521/SALES.corp.com` -> `sales`; a TNS alias `PROD.world` -> `prod`.
 * https://learn.microsoft.com/powerquery-m/oracle-database
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseSource, NO_LINEAGE, requireArg } from './database-source.js';
import type { MValue } from '../m/values.js';

export function oracleServiceName(server: string): string {
  const afterSlash = server.slice(server.lastIndexOf('/') + 1);
  const service = afterSlash.split('.')[0] ?? afterSlash;
  return service.includes(':') ? (service.split(':')[0] ?? service) : service;
}

function oracleDatabase(call: CallContext): MValue {
  const server = requireArg(call, 0, 'server');
  if (server === undefined) return NO_LINEAGE;
  return databaseSource(
    call,
    {
      platform: 'oracle',
      server,
      parts: { database: oracleServiceName(server) },
      levels: ['schema', 'table'],
    },
    1,
  );
}

export const ORACLE_FUNCTIONS: FunctionTable = {
  'Oracle.Database': oracleDatabase,
};
