import type { Rng } from '../random.js';
import { ColumnPlan } from './column-plan.js';
import { SCHEMAS } from './names.js';
import type { PooledSource, SourceFamily } from './datasources.js';
import { warehouseColumn } from './column-truth.js';
import { expected, expectedFile, type ExpectedDiagnostic, type ExpectedUpstream } from './lineage-truth.js';
import type { DatasourceInstance, ScanExpression } from './types.js';

/** A dataset parameter's value by name (the dataset keeps the first expression of each name). */
export type ParameterValues = (name: string) => string | undefined;

/** The M (Power Query) source of one table and what it implies for the dataset. */
export interface TableSource {
  expression: string;
  datasources: DatasourceInstance[];
  /** Parameters and shared queries the expression refers to (dataset `expressions`). */
  sharedExpressions: ScanExpression[];
  storageMode: 'Import' | 'DirectQuery';
  /** The generator form that wrote the M. */
  form: string;
  /** Ground truth: what the M reads, given the parameter values the dataset ends up with. */
  reads: (parameters: ParameterValues) => ExpectedUpstream[];
  /** Ground truth of columns: what the M does to the columns of the tables it reads (`reads`' answer). */
  columns: (upstreams: readonly ExpectedUpstream[]) => ColumnPlan;
  /** Diagnostics a correct analysis reports (e.g. for M that does not parse). */
  expectedDiagnostics?: ExpectedDiagnostic[];
  /** Set when no exact answer exists (see TableTruth.unverifiable). */
  unverifiable?: string;
}

type Truth = Pick<TableSource, 'form' | 'reads' | 'columns' | 'expectedDiagnostics' | 'unverifiable'>;

/** Which platform each ODBC DSN of the simulated gateways points at (a user's odbc_dsn_map). */
export const SIMULATED_ODBC_DSNS: Readonly<Record<string, { platform: string; database?: string }>> = {
  MySQL_Prod: { platform: 'mysql' },
  Teradata_BI: { platform: 'teradata' },
  SnowflakeDSN: { platform: 'snowflake', database: 'ANALYTICS' },
  Hive_DSN: { platform: 'databricks', database: 'hive_metastore' },
};

/** M text literal. */
export function mText(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/** M quoted identifier when needed: #"Name with spaces". */
export function mName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `#${mText(name)}`;
}

/** SQL inside an M literal uses #(lf) for line feeds, as Power Query writes it. */
export function nativeSql(lines: string[]): string {
  return mText(lines.join('#(lf)'));
}

/** `let` with one step per line, as Power Query writes it; the last step is the result. */
export function letIn(steps: [string, string][]): string {
  const body = steps.map(([name, value]) => `    ${mName(name)} = ${value}`).join(',\n');
  const last = steps[steps.length - 1]?.[0] ?? 'Source';
  return `let\n${body}\nin\n    ${mName(last)}`;
}

const TEXT_PARAMETER = /^"((?:[^"]|"")*)" meta \[IsParameterQuery=true/;

/** The values of the text parameters among a dataset's expressions (the first of a name counts). */
export function parameterValues(expressions: readonly ScanExpression[]): ParameterValues {
  return (name) => {
    const text = expressions.find((e) => e.name === name)?.expression;
    const value = text === undefined ? undefined : TEXT_PARAMETER.exec(text)?.[1];
    return value?.replace(/""/g, '"');
  };
}

/** A text parameter: `"value" meta [IsParameterQuery=true, ...]`. */
export function parameter(name: string, value: string): ScanExpression {
  return {
    name,
    expression: `${mText(value)} meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]`,
  };
}

export function physical(table: string, upper: boolean): string {
  const snake = table.replace(/[^A-Za-z0-9]+/g, '_').replace(/([a-z])([A-Z])/g, '$1_$2');
  return upper ? snake.toUpperCase() : snake.toLowerCase();
}

interface SelectSql {
  lines: string[];
  /** Tables the query reads, as written after the schema. */
  tables: string[];
  /** Its columns, given the tables read (in the order of `tables`). */
  columns: (upstreams: readonly ExpectedUpstream[]) => ColumnPlan;
}

/** `*` (or `t.*`) of the first table: its columns as they are, whatever they are. */
const firstTableColumns = (upstreams: readonly ExpectedUpstream[]): ColumnPlan =>
  ColumnPlan.passthrough(upstreams.slice(0, 1));

function selectSql(schema: string, table: string, rng: Rng): SelectSql {
  if (rng.chance(0.5))
    return { lines: [`SELECT *`, `FROM ${schema}.${table}`], tables: [table], columns: firstTableColumns };
  const other = `${table}_DETAIL`;
  return {
    lines: [
      `SELECT t.*, d.AMOUNT AS DETAIL_AMOUNT`,
      `FROM ${schema}.${table} AS t`,
      `INNER JOIN ${schema}.${other} AS d ON d.ID = t.ID`,
      `WHERE t.IS_ACTIVE = 1`,
    ],
    tables: [table, other],
    columns: (upstreams) => {
      const [detail] = upstreams.slice(1);
      const amount = detail === undefined ? [] : [warehouseColumn(detail, 'AMOUNT')];
      return firstTableColumns(upstreams).adopt('DETAIL_AMOUNT', {
        from: amount,
        transformation: 'renamed',
        opaque: false,
      });
    },
  };
}

const PLAIN_SQL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INVALID_TSQL = 'native SQL with an unquoted name containing a space';

/**
 * T-SQL semantics of the generator's unquoted names: `FROM dbo.Customer Details` reads
 * dbo.Customer (aliased Details); any other name with a space is a syntax error.
 */
function tsqlTables(query: SelectSql): { tables: string[]; invalid: boolean } {
  if (query.tables.every((t) => PLAIN_SQL_NAME.test(t))) return { tables: query.tables, invalid: false };
  const words = (query.tables[0] ?? '').split(' ');
  const aliased = query.tables.length === 1 && words.length === 2 && PLAIN_SQL_NAME.test(words[1] ?? '');
  return aliased ? { tables: [words[0] ?? ''], invalid: false } : { tables: [], invalid: true };
}

function source(
  src: PooledSource,
  expression: string,
  storageMode: TableSource['storageMode'],
  truth: Truth,
  shared: ScanExpression[] = [],
): TableSource {
  return { expression, datasources: [src.instance], sharedExpressions: shared, storageMode, ...truth };
}

/** The tables read, each column passed through under its own name (a navigation, `SELECT *`). */
function passthrough(upstreams: readonly ExpectedUpstream[]): ColumnPlan {
  return ColumnPlan.passthrough(upstreams);
}

function fixed(form: string, upstreams: ExpectedUpstream[], columns: Truth['columns'] = passthrough): Truth {
  return { form, reads: () => upstreams, columns };
}

/** M that does not parse reads nothing, and no column can be traced; a correct analysis says so. */
function unparsable(form: string): Truth {
  return {
    form,
    reads: () => [],
    columns: () => ColumnPlan.opaque(),
    expectedDiagnostics: ['unparsable_expression'],
  };
}

/**
 * How a form writes a step or query name where a value reads it. The tenant's original forms
 * write it bare, which is not M when the name has a space (kept: other tests rely on those
 * texts); forms used by the real-world datasets quote it.
 */
export interface NameStyle {
  quoteNames: boolean;
}

const BARE: NameStyle = { quoteNames: false };

function isIdentifier(name: string): boolean {
  return PLAIN_SQL_NAME.test(name);
}

function nameRef(style: NameStyle, name: string): string {
  return style.quoteNames ? mName(name) : name;
}

/** Whether a name written by `nameRef` is M. */
function validRef(style: NameStyle, name: string): boolean {
  return style.quoteNames || isIdentifier(name);
}

function sqlServer(
  src: PooledSource,
  table: string,
  rng: Rng,
  paramSuffix: string,
  style: NameStyle,
): TableSource {
  const schema = rng.pick(SCHEMAS);
  const variant = rng.int(0, 3);
  const navigated = (server: string, database: string): ExpectedUpstream =>
    expected('sqlserver', { server, database, schema, table });
  const step = `${schema}_${table}`;
  if (variant === 1) {
    const sqlTable = style.quoteNames && !isIdentifier(table) ? physical(table, false) : table;
    const query = selectSql(schema, sqlTable, rng);
    const read = tsqlTables(query);
    return source(
      src,
      letIn([
        [
          'Source',
          `Sql.Database(${mText(src.host)}, ${mText(src.database)}, [Query=${nativeSql(query.lines)}])`,
        ],
      ]),
      'Import',
      read.invalid
        ? {
            ...fixed('sqlserver-native', []),
            unverifiable: INVALID_TSQL,
            columns: () => ColumnPlan.undecidable(INVALID_TSQL),
          }
        : fixed(
            'sqlserver-native',
            read.tables.map((t) =>
              expected('sqlserver', { server: src.host, database: src.database, schema, table: t }),
            ),
            query.columns,
          ),
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
        ['Removed Columns', `Table.RemoveColumns(${nameRef(style, step)},{"LoadBatchId"})`],
      ]),
      'Import',
      validRef(style, step)
        ? {
            form: 'sqlserver-parameters',
            reads: (parameters) => [
              navigated(parameters(server) ?? src.host, parameters(db) ?? src.database),
            ],
            columns: (upstreams) => passthrough(upstreams).remove(['LoadBatchId']),
          }
        : unparsable('sqlserver-parameters'),
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
        ['Filtered Rows', `Table.SelectRows(${nameRef(style, step)}, each [IsCurrent] = true)`],
      ]),
    };
    // The name of the shared query, as the table's M reads it, holds the table's name too.
    return source(
      src,
      letIn([
        ['Source', nameRef(style, sharedName)],
        ['Renamed Columns', `Table.RenameColumns(Source,{{"Name", "${table} Name"}})`],
      ]),
      'Import',
      validRef(style, sharedName)
        ? fixed('sqlserver-shared-query', [navigated(src.host, src.database)], (upstreams) =>
            passthrough(upstreams).rename([['Name', `${table} Name`]]),
          )
        : unparsable('sqlserver-shared-query'),
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
    fixed('sqlserver', [navigated(src.host, src.database)]),
  );
}

function snowflake(src: PooledSource, table: string, rng: Rng): TableSource {
  const db = src.database.toUpperCase();
  const schema = rng.pick(SCHEMAS).toUpperCase();
  const t = physical(table, true);
  const conn = `Snowflake.Databases(${mText(src.host)}, ${mText(src.extra)}, [Role="POWERBI_READER"])`;
  const mode = rng.chance(0.4) ? 'DirectQuery' : 'Import';
  const read = (name: string): ExpectedUpstream =>
    expected('snowflake', { server: src.host, database: db, schema, table: name });
  if (rng.chance(0.35)) {
    const query = selectSql(`${db}.${schema}`, t, rng);
    return source(
      src,
      letIn([
        [
          'Source',
          `Value.NativeQuery(${conn}{[Name=${mText(db)}]}[Data], ${nativeSql(query.lines)}, null, [EnableFolding=true])`,
        ],
      ]),
      mode,
      fixed('snowflake-native', query.tables.map(read), query.columns),
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
    fixed('snowflake', [read(t)]),
  );
}

function bigquery(src: PooledSource, table: string, rng: Rng, paramSuffix: string): TableSource {
  const dataset = rng.pick(['sales', 'finance', 'marketing', 'web']);
  const t = physical(table, false);
  const useParam = rng.chance(0.4);
  const parameterName = `BQ Project${paramSuffix}`;
  const project = useParam ? `#"BQ Project${paramSuffix}"` : mText(src.extra);
  const shared = useParam ? [parameter(parameterName, src.extra)] : [];
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
    {
      form: useParam ? 'bigquery-parameter' : 'bigquery',
      columns: passthrough,
      reads: (parameters) => {
        // The billing project is the server; the navigation picks the same project.
        const projectName = useParam ? (parameters(parameterName) ?? src.extra) : src.extra;
        const server = useParam ? projectName : null;
        return [expected('bigquery', { server, database: projectName, schema: dataset, table: t })];
      },
    },
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
    fixed('databricks', [expected('databricks', { server: src.host, database: catalog, schema, table: t })]),
  );
}

function schemaItem(
  src: PooledSource,
  fn: string,
  table: string,
  rng: Rng,
  upper: boolean,
  platform: 'postgres' | 'mysql',
): TableSource {
  const schema = upper ? rng.pick(SCHEMAS).toUpperCase() : rng.pick(['public', 'sales', 'finance']);
  const t = physical(table, upper);
  // MySQL has no schema level: the navigation's Schema (and a two-part SQL name) is the database.
  const read = (name: string): ExpectedUpstream =>
    platform === 'mysql'
      ? expected('mysql', { server: src.host, database: schema, table: name })
      : expected(platform, { server: src.host, database: src.database, schema, table: name });
  if (rng.chance(0.3)) {
    const query = selectSql(schema, t, rng);
    return source(
      src,
      letIn([
        [
          'Source',
          `Value.NativeQuery(${fn}(${mText(src.host)}, ${mText(src.database)}), ${nativeSql(query.lines)})`,
        ],
      ]),
      'Import',
      fixed(`${platform}-native`, query.tables.map(read), query.columns),
    );
  }
  return source(
    src,
    letIn([
      ['Source', `${fn}(${mText(src.host)}, ${mText(src.database)})`],
      [`${schema}_${t}`, `Source{[Schema=${mText(schema)},Item=${mText(t)}]}[Data]`],
    ]),
    'Import',
    fixed(platform, [read(t)]),
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
    fixed('redshift', [
      expected('redshift', { server: src.host, database: src.database, schema: 'public', table: t }),
    ]),
  );
}

function oracle(src: PooledSource, table: string): TableSource {
  const t = physical(table, true);
  const server = `${src.host}:1521/${src.database}`;
  return source(
    src,
    letIn([
      ['Source', `Oracle.Database(${mText(server)}, [HierarchicalNavigation=true])`],
      ['HR', 'Source{[Schema="HR"]}[Data]'],
      [t, `HR{[Name=${mText(t)}]}[Data]`],
    ]),
    'Import',
    // The database part of Oracle names is the service name.
    fixed('oracle', [expected('oracle', { server, database: src.database, schema: 'HR', table: t })]),
  );
}

/** Why an ODBC table's column rows are not compared by default. */
export const ODBC_DSN_MAP =
  "the platform behind an ODBC DSN comes from the read's lineage.odbc_dsn_map (SIMULATED_ODBC_DSNS): without it no column is traced";

/** What `database.table` (SQL) or a Database/Table navigation means behind a simulated DSN. */
function odbcRead(
  dsn: string,
  database: string,
  table: string,
  native: boolean,
): ExpectedUpstream | undefined {
  const target = SIMULATED_ODBC_DSNS[dsn];
  if (!target) return undefined;
  if (target.platform === 'mysql' || target.platform === 'teradata')
    return expected(target.platform, { server: dsn, database, table });
  // A two-part SQL name is schema.table; what a navigation's Database level is depends on the driver.
  if (!native) return undefined;
  return expected(target.platform, { server: dsn, database: target.database, schema: database, table });
}

function odbc(src: PooledSource, table: string, rng: Rng): TableSource {
  const t = physical(table, false);
  const unknownLevel = `which level the ${src.extra} driver's navigation calls Database`;
  const truth = (native: boolean, database: string): Truth => {
    const read = odbcRead(src.extra, database, t, native);
    return read
      ? fixed(native ? 'odbc-native' : 'odbc', [read], (upstreams) =>
          passthrough(upstreams).dependingOn(ODBC_DSN_MAP),
        )
      : {
          ...fixed('odbc', [], () => ColumnPlan.undecidable(unknownLevel)),
          unverifiable: unknownLevel,
        };
  };
  if (rng.chance(0.5)) {
    const database = src.database.toLowerCase();
    const sql = nativeSql([`SELECT * FROM ${database}.${t}`]);
    return source(
      src,
      letIn([['Source', `Odbc.Query(${mText(`dsn=${src.extra}`)}, ${sql})`]]),
      'Import',
      truth(true, database),
    );
  }
  return source(
    src,
    letIn([
      ['Source', `Odbc.DataSource(${mText(`dsn=${src.extra}`)}, [HierarchicalNavigation=true])`],
      [`${src.database}_Database`, `Source{[Name=${mText(src.database)},Kind="Database"]}[Data]`],
      [`${t}_Table`, `${src.database}_Database{[Name=${mText(t)},Kind="Table"]}[Data]`],
    ]),
    'Import',
    truth(false, src.database),
  );
}

function sharepointExcel(src: PooledSource, table: string, style: NameStyle): TableSource {
  const url = src.instance.connectionDetails.url ?? `${src.host}/Shared Documents/${src.extra}`;
  const sheet = `${table}_Sheet`;
  return source(
    src,
    letIn([
      ['Source', `Excel.Workbook(Web.Contents(${mText(url)}), null, true)`],
      [sheet, `Source{[Item=${mText(table)},Kind="Sheet"]}[Data]`],
      ['Promoted Headers', `Table.PromoteHeaders(${nameRef(style, sheet)}, [PromoteAllScalars=true])`],
    ]),
    'Import',
    // A workbook's columns are not known, and Table.PromoteHeaders takes their names from the data.
    validRef(style, sheet)
      ? fixed('sharepoint-excel', [expectedFile(url)], () => ColumnPlan.opaque())
      : unparsable('sharepoint-excel'),
  );
}

/** M source for a table read from a pooled datasource of the given family. */
export function tableSourceFor(
  family: SourceFamily,
  src: PooledSource,
  table: string,
  rng: Rng,
  paramSuffix: string,
  style: NameStyle = BARE,
): TableSource {
  switch (family) {
    case 'sql':
      return sqlServer(src, table, rng, paramSuffix, style);
    case 'snowflake':
      return snowflake(src, table, rng);
    case 'bigquery':
      return bigquery(src, table, rng, paramSuffix);
    case 'databricks':
      return databricks(src, table, rng);
    case 'postgres':
      return schemaItem(src, 'PostgreSQL.Database', table, rng, false, 'postgres');
    case 'mysql':
      return schemaItem(src, 'MySQL.Database', table, rng, false, 'mysql');
    case 'redshift':
      return redshift(src, table);
    case 'oracle':
      return oracle(src, table);
    case 'odbc':
      return odbc(src, table, rng);
    case 'sharepoint':
      return sharepointExcel(src, table, style);
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

export function dataflowReads(workspaceId: string, dataflowId: string, entity: string): ExpectedUpstream {
  return expected('dataflow', { database: workspaceId, schema: dataflowId, table: entity }, 'dataflow');
}

function powerBiServer(workspaceName: string): string {
  return `powerbi://api.powerbi.com/v1.0/myorg/${workspaceName}`;
}

/** The upstream of a composite model's table: the remote dataset, named `workspace.dataset`. */
export function compositeReads(workspaceName: string, datasetName: string): ExpectedUpstream {
  return expected(
    'powerbi',
    { server: powerBiServer(workspaceName), database: workspaceName, table: datasetName },
    'dataset',
  );
}

/** DirectQuery to another Power BI dataset (composite model). */
export function compositeSource(workspaceName: string, datasetName: string): string {
  return letIn([
    ['Source', `AnalysisServices.Database(${mText(powerBiServer(workspaceName))}, ${mText(datasetName)})`],
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

/** The entered data's one column, `Value`, holds constants: it reads no column. */
export function enteredDataColumns(): ColumnPlan {
  return ColumnPlan.literal(['Value']);
}

function localFilePath(user: string): string {
  return `C:\\Users\\${user}\\Downloads\\export.csv`;
}

export function localFileReads(user: string): ExpectedUpstream {
  return expectedFile(localFilePath(user));
}

export function localFileSource(user: string): string {
  const path = localFilePath(user);
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
