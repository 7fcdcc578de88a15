import { rngFrom, uuidFor, type Rng } from '../random.js';
import { DATABASES } from './names.js';
import type { DatasourceInstance } from './types.js';

/** Source families the generator writes M for; each maps to one datasourceInstances shape. */
export type SourceFamily =
  | 'sql'
  | 'snowflake'
  | 'bigquery'
  | 'databricks'
  | 'postgres'
  | 'redshift'
  | 'oracle'
  | 'odbc'
  | 'mysql'
  | 'sharepoint';

export interface PooledSource {
  family: SourceFamily;
  host: string;
  database: string;
  /** Snowflake warehouse, Databricks HTTP path, ODBC DSN, BigQuery project... */
  extra: string;
  instance: DatasourceInstance;
}

export interface DatasourcePool {
  byFamily: Map<SourceFamily, PooledSource[]>;
  gateways: string[];
  /** An instance that fails to bind (misconfiguredDatasourceInstances). */
  misconfigured: DatasourceInstance;
}

export const FAMILIES: readonly SourceFamily[] = [
  'sql',
  'snowflake',
  'bigquery',
  'databricks',
  'postgres',
  'redshift',
  'oracle',
  'odbc',
  'mysql',
  'sharepoint',
];

function connection(
  family: SourceFamily,
  host: string,
  database: string,
  extra: string,
): Pick<DatasourceInstance, 'datasourceType' | 'connectionDetails'> {
  switch (family) {
    case 'sql':
      return { datasourceType: 'Sql', connectionDetails: { server: host, database } };
    case 'postgres':
      return { datasourceType: 'PostgreSql', connectionDetails: { server: host, database } };
    case 'mysql':
      return { datasourceType: 'MySql', connectionDetails: { server: host, database } };
    case 'oracle':
      return { datasourceType: 'Oracle', connectionDetails: { server: `${host}:1521/${database}` } };
    case 'odbc':
      return { datasourceType: 'ODBC', connectionDetails: { connectionString: `dsn=${extra}` } };
    case 'sharepoint':
      return { datasourceType: 'Web', connectionDetails: { url: `${host}/Shared Documents/${extra}` } };
    case 'snowflake':
      return {
        datasourceType: 'Extension',
        connectionDetails: {
          extensionDataSourceKind: 'Snowflake',
          extensionDataSourcePath: `${host};${extra}`,
        },
      };
    case 'bigquery':
      return {
        datasourceType: 'Extension',
        connectionDetails: {
          extensionDataSourceKind: 'GoogleBigQuery',
          extensionDataSourcePath: 'GoogleBigQuery',
        },
      };
    case 'databricks':
      return {
        datasourceType: 'Extension',
        connectionDetails: {
          extensionDataSourceKind: 'Databricks',
          extensionDataSourcePath: JSON.stringify({ host, httpPath: extra }),
        },
      };
    case 'redshift':
      return {
        datasourceType: 'Extension',
        connectionDetails: {
          extensionDataSourceKind: 'AmazonRedshift',
          extensionDataSourcePath: `${host};${database}`,
        },
      };
  }
}

function hostFor(family: SourceFamily, rng: Rng, n: number): { host: string; extra: string } {
  const region = rng.pick(['west-europe.azure', 'us-east-1', 'ap-southeast-2', 'eu-central-1']);
  switch (family) {
    case 'sql':
      return {
        host: rng.chance(0.5) ? `sql-prod-0${n + 1}.database.windows.net` : `erp-sql${n}.contoso.local`,
        extra: '',
      };
    case 'snowflake':
      return {
        host: `xy${12345 + n}.${region}.snowflakecomputing.com`,
        extra: rng.pick(['ANALYTICS_WH', 'BI_WH', 'REPORTING_WH']),
      };
    case 'bigquery':
      return { host: `contoso-analytics-${300 + n}`, extra: `contoso-analytics-${300 + n}` };
    case 'databricks':
      return {
        host: `adb-${4412 + n}.azuredatabricks.net`,
        extra: `/sql/1.0/warehouses/${(0xabc123 + n).toString(16)}`,
      };
    case 'postgres':
      return { host: `pg-${n}.postgres.database.azure.com`, extra: '' };
    case 'redshift':
      return { host: `dw-${n}.abc123.${region}.redshift.amazonaws.com:5439`, extra: '' };
    case 'oracle':
      return { host: `ora-${n}.contoso.local`, extra: '' };
    case 'odbc':
      return { host: `dsn-${n}`, extra: rng.pick(['MySQL_Prod', 'Hive_DSN', 'SnowflakeDSN', 'Teradata_BI']) };
    case 'mysql':
      return { host: `mysql-${n}.contoso.local`, extra: '' };
    case 'sharepoint':
      return {
        host: `https://contoso.sharepoint.com/sites/${rng.pick(['Finance', 'Sales', 'HR', 'Operations'])}`,
        extra: `${rng.pick(['Budget', 'Targets', 'Headcount', 'Mapping'])} ${2024 + n}.xlsx`,
      };
  }
}

export function createDatasourcePool(seed: number): DatasourcePool {
  const gateways = [0, 1, 2].map((i) => uuidFor(seed, 'gateway', i));
  const byFamily = new Map<SourceFamily, PooledSource[]>();
  for (const family of FAMILIES) {
    const rng = rngFrom(seed, 'pool', family);
    const entries: PooledSource[] = [];
    for (let n = 0; n < 3; n++) {
      const { host, extra } = hostFor(family, rng, n);
      const database = rng.pick(DATABASES);
      const onPrem = host.endsWith('.local') || family === 'odbc' || family === 'oracle';
      const instance: DatasourceInstance = {
        ...connection(family, host, database, extra),
        datasourceId: uuidFor(seed, 'datasource', family, n),
      };
      if (onPrem || rng.chance(0.7)) instance.gatewayId = rng.pick(gateways);
      entries.push({ family, host, database, extra, instance });
    }
    byFamily.set(family, entries);
  }
  const misconfigured: DatasourceInstance = {
    datasourceType: 'Sql',
    connectionDetails: { server: 'sql-legacy.contoso.local', database: 'Sales2019' },
    datasourceId: uuidFor(seed, 'datasource', 'misconfigured'),
    gatewayId: gateways[0] ?? uuidFor(seed, 'gateway', 0),
  };
  return { byFamily, gateways, misconfigured };
}

export function pickSource(pool: DatasourcePool, family: SourceFamily, rng: Rng): PooledSource {
  return rng.pick(pool.byFamily.get(family) ?? []);
}
