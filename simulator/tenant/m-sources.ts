import type { Rng } from '../random.js';
import { SCHEMAS } from './names.js';
import type { PooledSource, SourceFamily } from './datasources.js';
import type { DatasourceInstance, ScanExpression } from './types.js';

/** The M (Power Query) source of one table and what it implies for the dataset. */
export interface TableSource {
  expression: string;
  datasources: DatasourceInstance[];
  /** Parameters and shared queries the expression refers to (dataset `expressions`). */
  sharedExpressions: ScanExpression[];
  storageMode: 'Import' | 'DirectQuery';
}

/** M text literal. */
export function mText(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** M quoted identifier when needed: #"Name with spaces". */
export function mName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `#${mText(name)}`;
}

/** SQL inside an M literal uses #(lf) for line feeds, as Power Query writes it. */
function nativeSql(lines: string[]): string {
  return mText(lines.join('#(lf)'));
}

function letIn(steps: [string, string][]): string {
  const body = steps.map(([name, value]) => `    ${mName(name)} = ${value}`).join(',\n');
  const last = steps[steps.length - 1]?.[0] ?? 'Source';
  return `let\n${body}\nin\n    ${mName(last)}`;
}

function parameter(name: string, value: string): ScanExpression {
  return {
    name,
    expression: `${mText(value)} meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]`,
  };
}

function physical(table: string, upper: boolean): string {
  const snake = table.replace(/[^A-Za-z0-9]+/g, '_').replace(/([a-z])([A-Z])/g, '$1_$2');
  return upper ? snake.toUpperCase() : snake.toLowerCase();
}

function selectSql(schema: string, table: string, rng: Rng): string[] {
  if (rng.chance(0.5)) return [`SELECT *`, `FROM ${schema}.${table}`];
  const other = `${table}_DETAIL`;
  return [
    `SELECT t.*, d.AMOUNT AS DETAIL_AMOUNT`,
    `FROM ${schema}.${table} AS t`,
    `INNER JOIN ${schema}.${other} AS d ON d.ID = t.ID`,
    `WHERE t.IS_ACTIVE = 1`,
  ];
}

function source(
  src: PooledSource,
  expression: string,
  storageMode: TableSource['storageMode'],
  shared: ScanExpression[] = [],
): TableSource {
  return { expression, datasources: [src.instance], sharedExpressions: shared, storageMode };
}

function sqlServer(src: PooledSource, table: string, rng: Rng, paramSuffix: string): TableSource {
  const schema = rng.pick(SCHEMAS);
  const variant = rng.int(0, 3);
  if (variant === 1) {
    const sql = nativeSql(selectSql(schema, table, rng));
    return source(
      src,
      letIn([['Source', `Sql.Database(${mText(src.host)}, ${mText(src.database)}, [Query=${sql}])`]]),
      'Import',
    );
  }
  if (variant === 2) {
    const server = `SqlServer${paramSuffix}`;
    const db = `SqlDatabase${paramSuffix}`;
    return source(
      src,
      letIn([
        ['Source', `Sql.Database(${server}, ${db})`],
        [`${schema}_${table}`, `Source{[Schema=${mText(schema)},Item=${mText(table)}]}[Data]`],
        ['Removed Columns', `Table.RemoveColumns(${schema}_${table},{"LoadBatchId"})`],
      ]),
      'Import',
      [parameter(server, src.host), parameter(db, src.database)],
    );
  }
  if (variant === 3) {
    const sharedName = `${table}Base`;
    const shared: ScanExpression = {
      name: sharedName,
      description: 'Shared query',
      expression: letIn([
        ['Source', `Sql.Database(${mText(src.host)}, ${mText(src.database)})`],
        [`${schema}_${table}`, `Source{[Schema=${mText(schema)},Item=${mText(table)}]}[Data]`],
        ['Filtered Rows', `Table.SelectRows(${schema}_${table}, each [IsCurrent] = true)`],
      ]),
    };
    return source(
      src,
      letIn([
        ['Source', sharedName],
        ['Renamed Columns', `Table.RenameColumns(Source,{{"Name", "${table} Name"}})`],
      ]),
      'Import',
      [shared],
    );
  }
  return source(
    src,
    letIn([
      ['Source', `Sql.Database(${mText(src.host)}, ${mText(src.database)})`],
      [`${schema}_${table}`, `Source{[Schema=${mText(schema)},Item=${mText(table)}]}[Data]`],
    ]),
    'Import',
  );
}

function snowflake(src: PooledSource, table: string, rng: Rng): TableSource {
  const db = src.database.toUpperCase();
  const schema = rng.pick(SCHEMAS).toUpperCase();
  const t = physical(table, true);
  const conn = `Snowflake.Databases(${mText(src.host)}, ${mText(src.extra)}, [Role="POWERBI_READER"])`;
  const mode = rng.chance(0.4) ? 'DirectQuery' : 'Import';
  if (rng.chance(0.35)) {
    const sql = nativeSql(selectSql(`${db}.${schema}`, t, rng));
    return source(
      src,
      letIn([
        [
          'Source',
          `Value.NativeQuery(${conn}{[Name=${mText(db)}]}[Data], ${sql}, null, [EnableFolding=true])`,
        ],
      ]),
      mode,
    );
  }
  return source(
    src,
    letIn([
      ['Source', conn],
      [`${db}_Database`, `Source{[Name=${mText(db)},Kind="Database"]}[Data]`],
      [`${schema}_Schema`, `${db}_Database{[Name=${mText(schema)},Kind="Schema"]}[Data]`],
      [`${t}_Table`, `${schema}_Schema{[Name=${mText(t)},Kind="Table"]}[Data]`],
    ]),
    mode,
  );
}

function bigquery(src: PooledSource, table: string, rng: Rng, paramSuffix: string): TableSource {
  const dataset = rng.pick(['sales', 'finance', 'marketing', 'web']);
  const t = physical(table, false);
  const useParam = rng.chance(0.4);
  const project = useParam ? `#"BQ Project${paramSuffix}"` : mText(src.extra);
  const shared = useParam ? [parameter(`BQ Project${paramSuffix}`, src.extra)] : [];
  return source(
    src,
    letIn([
      [
        'Source',
        useParam ? `GoogleBigQuery.Database([BillingProject = ${project}])` : 'GoogleBigQuery.Database()',
      ],
      [src.extra, `Source{[Name=${project}]}[Data]`],
      [`${dataset}_Schema`, `${mName(src.extra)}{[Name=${mText(dataset)},Kind="Schema"]}[Data]`],
      [`${t}_Table`, `${dataset}_Schema{[Name=${mText(t)},Kind="Table"]}[Data]`],
    ]),
    'Import',
    shared,
  );
}

function databricks(src: PooledSource, table: string, rng: Rng): TableSource {
  const catalog = rng.pick(['hive_metastore', 'main', 'ml_prod']);
  const schema = rng.pick(['sales', 'finance', 'gold', 'silver']);
  const t = physical(table, false);
  const fn = rng.chance(0.5) ? 'Databricks.Catalogs' : 'DatabricksMultiCloud.Catalogs';
  return source(
    src,
    letIn([
      [
        'Source',
        `${fn}(${mText(src.host)}, ${mText(src.extra)}, [Catalog=null, Database=null, EnableAutomaticProxyDiscovery=null])`,
      ],
      [`${catalog}_Database`, `Source{[Name=${mText(catalog)},Kind="Database"]}[Data]`],
      [`${schema}_Schema`, `${catalog}_Database{[Name=${mText(schema)},Kind="Schema"]}[Data]`],
      [`${t}_Table`, `${schema}_Schema{[Name=${mText(t)},Kind="Table"]}[Data]`],
    ]),
    rng.chance(0.3) ? 'DirectQuery' : 'Import',
  );
}

function schemaItem(src: PooledSource, fn: string, table: string, rng: Rng, upper: boolean): TableSource {
  const schema = upper ? rng.pick(SCHEMAS).toUpperCase() : rng.pick(['public', 'sales', 'finance']);
  const t = physical(table, upper);
  if (rng.chance(0.3)) {
    const sql = nativeSql(selectSql(schema, t, rng));
    return source(
      src,
      letIn([['Source', `Value.NativeQuery(${fn}(${mText(src.host)}, ${mText(src.database)}), ${sql})`]]),
      'Import',
    );
  }
  return source(
    src,
    letIn([
      ['Source', `${fn}(${mText(src.host)}, ${mText(src.database)})`],
      [`${schema}_${t}`, `Source{[Schema=${mText(schema)},Item=${mText(t)}]}[Data]`],
    ]),
    'Import',
  );
}

function redshift(src: PooledSource, table: string): TableSource {
  const t = physical(table, false);
  return source(
    src,
    letIn([
      ['Source', `AmazonRedshift.Database(${mText(src.host)}, ${mText(src.database)})`],
      ['public', 'Source{[Name="public"]}[Data]'],
      [t, `public{[Name=${mText(t)}]}[Data]`],
    ]),
    'Import',
  );
}

function oracle(src: PooledSource, table: string): TableSource {
  const t = physical(table, true);
  return source(
    src,
    letIn([
      [
        'Source',
        `Oracle.Database(${mText(`${src.host}:1521/${src.database}`)}, [HierarchicalNavigation=true])`,
      ],
      ['HR', 'Source{[Schema="HR"]}[Data]'],
      [t, `HR{[Name=${mText(t)}]}[Data]`],
    ]),
    'Import',
  );
}

function odbc(src: PooledSource, table: string, rng: Rng): TableSource {
  const t = physical(table, false);
  if (rng.chance(0.5)) {
    const sql = nativeSql([`SELECT * FROM ${src.database.toLowerCase()}.${t}`]);
    return source(src, letIn([['Source', `Odbc.Query(${mText(`dsn=${src.extra}`)}, ${sql})`]]), 'Import');
  }
  return source(
    src,
    letIn([
      ['Source', `Odbc.DataSource(${mText(`dsn=${src.extra}`)}, [HierarchicalNavigation=true])`],
      [`${src.database}_Database`, `Source{[Name=${mText(src.database)},Kind="Database"]}[Data]`],
      [`${t}_Table`, `${src.database}_Database{[Name=${mText(t)},Kind="Table"]}[Data]`],
    ]),
    'Import',
  );
}

function sharepointExcel(src: PooledSource, table: string): TableSource {
  const url = src.instance.connectionDetails.url ?? `${src.host}/Shared Documents/${src.extra}`;
  return source(
    src,
    letIn([
      ['Source', `Excel.Workbook(Web.Contents(${mText(url)}), null, true)`],
      [`${table}_Sheet`, `Source{[Item=${mText(table)},Kind="Sheet"]}[Data]`],
      ['Promoted Headers', `Table.PromoteHeaders(${table}_Sheet, [PromoteAllScalars=true])`],
    ]),
    'Import',
  );
}

/** M source for a table read from a pooled datasource of the given family. */
export function tableSourceFor(
  family: SourceFamily,
  src: PooledSource,
  table: string,
  rng: Rng,
  paramSuffix: string,
): TableSource {
  switch (family) {
    case 'sql':
      return sqlServer(src, table, rng, paramSuffix);
    case 'snowflake':
      return snowflake(src, table, rng);
    case 'bigquery':
      return bigquery(src, table, rng, paramSuffix);
    case 'databricks':
      return databricks(src, table, rng);
    case 'postgres':
      return schemaItem(src, 'PostgreSQL.Database', table, rng, false);
    case 'mysql':
      return schemaItem(src, 'MySQL.Database', table, rng, false);
    case 'redshift':
      return redshift(src, table);
    case 'oracle':
      return oracle(src, table);
    case 'odbc':
      return odbc(src, table, rng);
    case 'sharepoint':
      return sharepointExcel(src, table);
  }
}

/** A table fed by a Power BI dataflow entity (PowerPlatform.Dataflows connector). */
export function dataflowSource(workspaceId: string, dataflowId: string, entity: string): string {
  return letIn([
    ['Source', 'PowerPlatform.Dataflows(null)'],
    ['Workspaces', 'Source{[Id="Workspaces"]}[Data]'],
    ['Workspace', `Workspaces{[workspaceId=${mText(workspaceId)}]}[Data]`],
    ['Dataflow', `Workspace{[dataflowId=${mText(dataflowId)}]}[Data]`],
    [`${entity}_`, `Dataflow{[entity=${mText(entity)},version=""]}[Data]`],
  ]);
}

/** DirectQuery to another Power BI dataset (composite model). */
export function compositeSource(workspaceName: string, datasetName: string): string {
  return letIn([
    [
      'Source',
      `AnalysisServices.Database(${mText(`powerbi://api.powerbi.com/v1.0/myorg/${workspaceName}`)}, ${mText(datasetName)})`,
    ],
    ['Cubes', 'Table.Combine(Source[Data])'],
    ['Cube', 'Cubes{[Id="Model", Kind="Cube"]}[Data]'],
  ]);
}

export const ENTERED_DATA_SOURCE = letIn([
  [
    'Source',
    'Table.FromRows(Json.Document(Binary.Decompress(Binary.FromText("i45WMlSKjQUA", BinaryEncoding.Base64), Compression.Deflate)), let _t = ((type nullable text) meta [Serialized.Text = true]) in type table [Value = _t])',
  ],
]);

export function localFileSource(user: string): string {
  const path = `C:\\Users\\${user}\\Downloads\\export.csv`;
  return letIn([
    [
      'Source',
      `Csv.Document(File.Contents(${mText(path)}),[Delimiter=",", Columns=3, Encoding=65001, QuoteStyle=QuoteStyle.None])`,
    ],
  ]);
}

export function calendarSource(year: number): string {
  return `CALENDAR(DATE(${year - 5}, 1, 1), DATE(${year}, 12, 31))`;
}
