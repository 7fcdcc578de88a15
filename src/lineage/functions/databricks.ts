/**
 * Databricks.Catalogs / Databricks.Contents / DatabricksMultiCloud.Catalogs(host, httpPath, options):
 * navigation catalog (Kind="Database") -> schema -> table/view, or one step
 * `{[Catalog=..., Schema=..., Item=...]}`. The `Catalog` option is the default catalog of native SQL.
 * https://learn.microsoft.com/azure/databricks/partners/bi/power-bi
 */
import type { CallContext, FunctionTable } from '../m/call-context.js';
import { databaseState } from './database-source.js';
import { fieldOf, source, type Level, type MValue } from '../m/values.js';

function databricksCatalogs(call: CallContext): MValue {
  const catalogOption = fieldOf(call.args[2], 'Catalog');
  const catalog = catalogOption?.kind === 'text' ? catalogOption.text : undefined;
  // A Catalog option from a parameter without a value: native SQL's unqualified names lack it.
  const catalogUnknown =
    catalogOption !== undefined && catalogOption.kind !== 'null' && catalogOption.kind !== 'text';
  const keyLevels: Record<string, Level> = { catalog: 'database', schema: 'schema', item: 'table' };
  const state = databaseState(call, {
    platform: 'databricks',
    server: call.text(0, 'server') ?? null,
    levels: ['database', 'schema', 'table'],
    keyLevels,
    ...(catalog === undefined ? {} : { defaults: { database: catalog } }),
    ...(catalogUnknown ? { unknown: ['database'] as Level[] } : {}),
  });
  return source(state);
}

export const DATABRICKS_FUNCTIONS: FunctionTable = {
  'Databricks.Catalogs': databricksCatalogs,
  'Databricks.Contents': databricksCatalogs,
  'DatabricksMultiCloud.Catalogs': databricksCatalogs,
  'AzureDatabricks.Catalogs': databricksCatalogs,
};
