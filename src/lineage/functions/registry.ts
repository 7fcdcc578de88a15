/** All data-access function handlers, by M function name. */
import { ANALYSIS_SERVICES_FUNCTIONS } from './analysis-services.js';
import { ATHENA_FUNCTIONS } from './athena.js';
import { BIGQUERY_FUNCTIONS } from './bigquery.js';
import type { FunctionHandler, FunctionTable } from '../m/call-context.js';
import { DATABRICKS_FUNCTIONS } from './databricks.js';
import { DATAFLOW_FUNCTIONS } from './dataflows.js';
import { FABRIC_FUNCTIONS } from './fabric.js';
import { FILE_FUNCTIONS } from './files.js';
import { KUSTO_FUNCTIONS, withKustoNativeQuery } from './kusto.js';
import { MYSQL_FUNCTIONS } from './mysql.js';
import { NATIVE_QUERY_FUNCTIONS } from './native-query.js';
import { ODBC_FUNCTIONS } from './odbc.js';
import { ORACLE_FUNCTIONS } from './oracle.js';
import { POSTGRES_FUNCTIONS } from './postgres.js';
import { REDSHIFT_FUNCTIONS } from './redshift.js';
import { SNOWFLAKE_FUNCTIONS } from './snowflake.js';
import { SQL_SERVER_FUNCTIONS } from './sql-server.js';
import { TERADATA_FUNCTIONS } from './teradata.js';
import { TEXT_FUNCTIONS } from './text-functions.js';

const valueNativeQuery = NATIVE_QUERY_FUNCTIONS['Value.NativeQuery'] as FunctionHandler;

export const DATA_ACCESS_FUNCTIONS: FunctionTable = {
  ...SQL_SERVER_FUNCTIONS,
  ...SNOWFLAKE_FUNCTIONS,
  ...BIGQUERY_FUNCTIONS,
  ...DATABRICKS_FUNCTIONS,
  ...POSTGRES_FUNCTIONS,
  ...MYSQL_FUNCTIONS,
  ...ORACLE_FUNCTIONS,
  ...REDSHIFT_FUNCTIONS,
  ...ATHENA_FUNCTIONS,
  ...TERADATA_FUNCTIONS,
  ...ODBC_FUNCTIONS,
  ...DATAFLOW_FUNCTIONS,
  ...FABRIC_FUNCTIONS,
  ...FILE_FUNCTIONS,
  ...ANALYSIS_SERVICES_FUNCTIONS,
  ...KUSTO_FUNCTIONS,
  ...NATIVE_QUERY_FUNCTIONS,
  ...TEXT_FUNCTIONS,
  // KQL, not SQL, runs against a Kusto source.
  'Value.NativeQuery': withKustoNativeQuery(valueNativeQuery),
};
