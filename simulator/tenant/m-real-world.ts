/**
 * Table expressions in the forms published models use and simple generators miss: models migrated
 * from Analysis Services (structured data sources by name), tables reading other tables of the
 * dataset, conditions on a parameter, Kusto / Azure Data Explorer / Fabric Eventhouse, and long
 * chains of applied steps. Each form records what it reads (lineage ground truth) as it writes
 * the M. Everything here draws from the caller's own random stream, never the dataset's.
 */
import { uuidFor, type Rng } from '../random.js';
import { ColumnPlan } from './column-plan.js';
import type { PendingColumns } from './column-record.js';
import type { TenantContext } from './context.js';
import { pickSource, type SourceFamily } from './datasources.js';
import { expected, referencingTruth, type TableTruth } from './lineage-truth.js';
import { letIn, mName, mText, parameterValues, tableSourceFor, type TableSource } from './m-sources.js';
import { dataColumnNames, dataTable, tableNames } from './tables.js';
import type { DatasourceInstance, ScanExpression, ScanTable } from './types.js';

export type RealWorldProfile =
  'as-migrated' | 'model-references' | 'model-cycle' | 'condition' | 'kusto' | 'long-chain';

/** The tables of a real-world dataset, the dataset's queries and datasources, and the truth. */
export interface RealWorldContent {
  tables: ScanTable[];
  expressions: ScanExpression[];
  datasources: DatasourceInstance[];
  truth: TableTruth[];
  /** What each table's M and DAX do to columns (column truth once the model is complete). */
  columns: PendingColumns[];
}

type Step = [string, string];
type StorageMode = 'Import' | 'DirectQuery';

/** Profiles a chosen dataset gets, by weight; `model-cycle` is only given on purpose. */
const PROFILES: readonly RealWorldProfile[] = [
  'as-migrated',
  'as-migrated',
  'as-migrated',
  'model-references',
  'model-references',
  'condition',
  'condition',
  'kusto',
  'kusto',
  'long-chain',
];

export function pickProfile(rng: Rng): RealWorldProfile {
  return rng.pick(PROFILES);
}

class Builder {
  readonly content: RealWorldContent = {
    tables: [],
    expressions: [],
    datasources: [],
    truth: [],
    columns: [],
  };

  constructor(
    readonly rng: Rng,
    readonly mode: StorageMode,
  ) {}

  /** `plan` may be a function: called once the model is complete (for tables read before they exist). */
  addTable(
    name: string,
    expression: string,
    truth: Omit<TableTruth, 'table'>,
    plan: ColumnPlan | (() => ColumnPlan),
  ): void {
    const generated = dataTable(this.rng, name, this.mode, expression);
    this.content.tables.push(generated.table);
    this.content.truth.push({ table: name, ...truth });
    this.content.columns.push({
      table: name,
      plan: plan instanceof ColumnPlan ? () => plan : plan,
      dax: generated.dax,
    });
  }

  /** A table of the model as another table's M reads it: its data columns. */
  modelTable(name: string): { name: string; columns: string[] } {
    const table = this.content.tables.find((t) => t.name === name);
    return { name, columns: table === undefined ? [] : dataColumnNames(table) };
  }

  addExpression(expression: ScanExpression): void {
    if (!this.content.expressions.some((e) => e.name === expression.name))
      this.content.expressions.push(expression);
  }

  addDatasource(instance: DatasourceInstance): void {
    if (!this.content.datasources.some((d) => d.datasourceId === instance.datasourceId))
      this.content.datasources.push(instance);
  }

  /** A table read from the tenant's datasource pool by the usual generator forms. */
  addPooled(name: string, family: SourceFamily, ctx: TenantContext): void {
    const src = pickSource(ctx.pool, family, this.rng);
    const source: TableSource = tableSourceFor(family, src, name, this.rng, '', { quoteNames: true });
    for (const e of source.sharedExpressions) this.addExpression(e);
    for (const d of source.datasources) this.addDatasource(d);
    const upstreams = source.reads(parameterValues(this.content.expressions));
    this.addTable(
      name,
      source.expression,
      {
        form: source.form,
        upstreams,
        ...(source.expectedDiagnostics !== undefined && { expectedDiagnostics: source.expectedDiagnostics }),
        ...(source.unverifiable !== undefined && { unverifiable: source.unverifiable }),
      },
      source.columns(upstreams),
    );
  }

  truthOf(name: string): TableTruth | undefined {
    return this.content.truth.find((t) => t.table === name);
  }

  hasTable(name: string): boolean {
    return this.content.tables.some((t) => t.name === name);
  }
}

function instance(
  ctx: TenantContext,
  datasourceType: string,
  connectionDetails: Record<string, string>,
  onPremises: boolean,
): DatasourceInstance {
  const key = `${datasourceType}|${JSON.stringify(connectionDetails)}`;
  const d: DatasourceInstance = {
    datasourceType,
    connectionDetails,
    datasourceId: uuidFor(ctx.seed, 'real-world-datasource', key),
  };
  if (onPremises) d.gatewayId = ctx.pool.gateways[0] ?? uuidFor(ctx.seed, 'gateway', 0);
  return d;
}

/** Power Query's automatic step names: the second "Renamed Columns" is "Renamed Columns1". */
class StepNames {
  private readonly used = new Map<string, number>();
  next(base: string): string {
    const count = this.used.get(base) ?? 0;
    this.used.set(base, count + 1);
    return count === 0 ? base : `${base}${count}`;
  }
}

/** One applied step as written, and what it does to the table's columns. */
interface TidyStep {
  step: Step;
  columns: (plan: ColumnPlan) => void;
}

const SAME_COLUMNS = (): void => undefined;

const TIDY_STEPS: readonly ((prev: string, i: number) => TidyStep)[] = [
  (p) => ({
    step: [
      'Changed Type',
      `Table.TransformColumnTypes(${p},{{"Amount", type number}, {"OrderDate", type date}})`,
    ],
    columns: SAME_COLUMNS,
  }),
  (p, i) => ({
    step: ['Renamed Columns', `Table.RenameColumns(${p},{{"col_${i}", "Column ${i}"}})`],
    columns: (plan) => plan.rename([[`col_${i}`, `Column ${i}`]]),
  }),
  (p, i) => ({
    step: ['Removed Columns', `Table.RemoveColumns(${p},{"tmp_${i}"})`],
    columns: (plan) => plan.remove([`tmp_${i}`]),
  }),
  (p, i) => ({
    step: ['Filtered Rows', `Table.SelectRows(${p}, each [Amount] <> null and [Amount] > ${i})`],
    columns: SAME_COLUMNS,
  }),
  (p, i) => ({
    step: ['Added Custom', `Table.AddColumn(${p}, "Custom ${i}", each [Amount] * ${i}, type number)`],
    columns: (plan) => plan.add(`Custom ${i}`, ['Amount']),
  }),
  (p) => ({
    step: ['Replaced Value', `Table.ReplaceValue(${p},null,0,Replacer.ReplaceValue,{"Quantity"})`],
    columns: SAME_COLUMNS,
  }),
  (p) => ({
    step: ['Trimmed Text', `Table.TransformColumns(${p},{{"Name", Text.Trim, type text}})`],
    columns: SAME_COLUMNS,
  }),
  (p) => ({
    step: ['Sorted Rows', `Table.Sort(${p},{{"OrderDate", Order.Descending}})`],
    columns: SAME_COLUMNS,
  }),
  (p, i) => ({
    step: ['Duplicated Column', `Table.DuplicateColumn(${p}, "Name", "Name - Copy ${i}")`],
    columns: (plan) => plan.duplicate('Name', `Name - Copy ${i}`),
  }),
  (p, i) => ({
    step: ['Inserted Year', `Table.AddColumn(${p}, "Year ${i}", each Date.Year([OrderDate]), Int64.Type)`],
    columns: (plan) => plan.add(`Year ${i}`, ['OrderDate']),
  }),
  (p, i) => ({
    step: [
      'Added Conditional Column',
      `Table.AddColumn(${p}, "Band ${i}", each if [Amount] > ${i * 100} then "High" else "Low")`,
    ],
    columns: (plan) => plan.add(`Band ${i}`, ['Amount']),
  }),
  (p) => ({
    step: ['Reordered Columns', `Table.ReorderColumns(${p},{"Name", "Amount", "OrderDate"})`],
    columns: SAME_COLUMNS,
  }),
  (p) => ({
    step: ['Selected Columns', `Table.SelectColumns(${p},{"Name", "Amount", "OrderDate", "Quantity"})`],
    columns: (plan) => plan.select(['Name', 'Amount', 'OrderDate', 'Quantity']),
  }),
];

/**
 * `count` applied steps after `first`, each reading the one before, named as Power Query names
 * them; `plan` follows what they do to the columns.
 */
function appliedSteps(rng: Rng, first: string, count: number, plan: ColumnPlan): Step[] {
  const names = new StepNames();
  names.next(first);
  const steps: Step[] = [];
  let previous = first;
  for (let i = 1; i <= count; i++) {
    const tidy = rng.pick(TIDY_STEPS)(mName(previous), i);
    const [base, value] = tidy.step;
    const name = names.next(base);
    steps.push([name, value]);
    tidy.columns(plan);
    previous = name;
  }
  return steps;
}

/** The model table's name as a warehouse object: `Customer Details` -> `CustomerDetails`. */
function warehouseName(rng: Rng, table: string): string {
  const compact = table.replace(/[^A-Za-z0-9_]/g, '');
  return rng.chance(0.2) ? `vw_${compact}` : compact;
}

// ---------------------------------------------------------------- Analysis Services migrations

interface StructuredSource {
  /** `SQL/server;database` as the model names the data source. */
  name: string;
  platform: 'sqlserver' | 'postgres' | 'oracle';
  server: string;
  database: string;
  schemas: readonly string[];
  upper: boolean;
  instance: DatasourceInstance;
}

function structuredSource(ctx: TenantContext, rng: Rng): StructuredSource {
  const provider = rng.pick(['sql', 'sql', 'azure', 'postgres', 'oracle'] as const);
  if (provider === 'sql' || provider === 'azure') {
    const server =
      provider === 'azure'
        ? `${rng.pick(['contoso-dw', 'edw-prod', 'finance-sql'])}.database.windows.net`
        : rng.pick(['SQLPROD01', 'sqlprod01.contoso.local', 'SQLPROD01\\DW', 'bi-sql-02.contoso.local']);
    const database = rng.pick(['AdventureWorksDW', 'SalesDW', 'EDW', 'Finance']);
    // The Azure form loses the dots of the host name: `SQL/edw-prod database windows net;EDW`.
    const written = provider === 'azure' ? server.replace(/\./g, ' ') : server;
    return {
      name: `SQL/${written};${database}`,
      platform: 'sqlserver',
      server,
      database,
      schemas: ['dbo', 'dbo', 'sales', 'stg'],
      upper: false,
      instance: instance(ctx, 'Sql', { server, database }, provider === 'sql'),
    };
  }
  if (provider === 'postgres') {
    const server = rng.pick(['pg-edw.postgres.database.azure.com', 'pgprod01.contoso.local']);
    const database = rng.pick(['analytics', 'edw']);
    return {
      name: `PostgreSQL/${server};${database}`,
      platform: 'postgres',
      server,
      database,
      schemas: ['public', 'sales', 'finance'],
      upper: false,
      instance: instance(ctx, 'PostgreSql', { server, database }, server.endsWith('.local')),
    };
  }
  // Oracle names carry the server only; the database part of the name is the service name.
  const [server, service] = rng.pick([
    ['FINPROD', 'FINPROD'],
    ['ora-erp.contoso.local:1521/ERP', 'ERP'],
    ['EBSPROD.world', 'EBSPROD'],
  ] as const);
  return {
    name: `Oracle/${server}`,
    platform: 'oracle',
    server,
    database: service,
    schemas: ['HR', 'SALES', 'APPS'],
    upper: true,
    instance: instance(ctx, 'Oracle', { server }, true),
  };
}

function asMigratedTable(b: Builder, source: StructuredSource, table: string): void {
  const schema = b.rng.pick(source.schemas);
  const item = source.upper ? warehouseName(b.rng, table).toUpperCase() : warehouseName(b.rng, table);
  const navigation = `${schema}_${item}`;
  const read = expected(source.platform, {
    server: source.server,
    database: source.database,
    schema,
    table: item,
  });
  const plan = ColumnPlan.passthrough([read]);
  const steps: Step[] = [
    ['Source', `#${mText(source.name)}`],
    [navigation, `Source{[Schema=${mText(schema)},Item=${mText(item)}]}[Data]`],
    ...appliedSteps(b.rng, navigation, b.rng.int(0, 4), plan),
  ];
  b.addTable(table, letIn(steps), { form: `as-structured-${source.platform}`, upstreams: [read] }, plan);
}

function asMigrated(b: Builder, ctx: TenantContext): void {
  const source = structuredSource(ctx, b.rng);
  b.addDatasource(source.instance);
  for (const table of tableNames(b.rng, b.rng.int(2, 6))) asMigratedTable(b, source, table);
  if (b.rng.chance(0.5)) modelReferences(b);
}

// ---------------------------------------------------------------- references between tables

/** Tables that read other tables of the dataset: a filter, a join, an append, a chain of them. */
function modelReferences(b: Builder): void {
  const base = b.content.tables.map((t) => t.name);
  const fact = base[0];
  const dimension = base[1];
  if (fact === undefined || dimension === undefined) return;
  const filtered = `${fact} (Filtered)`;
  referenceTable(
    b,
    filtered,
    [fact],
    [
      ['Source', mName(fact)],
      ['Filtered Rows', 'Table.SelectRows(Source, each [Amount] > 0)'],
    ],
    (read) => read(fact),
  );
  if (b.rng.chance(0.7)) {
    const key = `${dimension.replace(/^(Dim|Fact) ?/, '').replace(/[^A-Za-z0-9]/g, '')}Key`;
    const joined = `${fact} Enriched`;
    referenceTable(
      b,
      joined,
      [filtered, dimension],
      [
        ['Source', mName(filtered)],
        [
          'Merged Queries',
          `Table.NestedJoin(Source, {${mText(key)}}, ${mName(dimension)}, {${mText(key)}}, ${mText(dimension)}, JoinKind.LeftOuter)`,
        ],
        [
          `Expanded ${dimension}`,
          `Table.ExpandTableColumn(#"Merged Queries", ${mText(dimension)}, {"Name"}, {${mText(`${dimension}.Name`)}})`,
        ],
      ],
      (read) => read(filtered).adopt(`${dimension}.Name`, read(dimension).column('Name'), 'Name'),
    );
    if (b.rng.chance(0.5))
      referenceTable(
        b,
        `${fact} Summary`,
        [joined],
        [
          ['Source', mName(joined)],
          [
            'Grouped Rows',
            `Table.Group(Source, {${mText(`${dimension}.Name`)}}, {{"Total", each List.Sum([Amount]), type number}})`,
          ],
        ],
        (read) =>
          read(joined)
            .add('Total', ['Amount'], 'aggregated')
            .select([`${dimension}.Name`, 'Total']),
      );
  }
  const other = base[2];
  if (other !== undefined && b.rng.chance(0.4))
    referenceTable(
      b,
      'Appended Rows',
      [fact, other],
      [
        ['Source', `Table.Combine({${mName(fact)}, ${mName(other)}})`],
        ['Removed Duplicates', 'Table.Distinct(Source)'],
      ],
      (read) => ColumnPlan.union([read(fact), read(other)]),
    );
}

/**
 * A table whose M reads other tables of the model by name; `columns` says what its steps do to
 * the columns of the tables read (each of them: that model table's data columns).
 */
function referenceTable(
  b: Builder,
  name: string,
  reads: readonly string[],
  steps: Step[],
  columns: (read: (table: string) => ColumnPlan) => ColumnPlan,
): void {
  if (b.hasTable(name)) return;
  const referenced = reads.map((r) => b.truthOf(r)).filter((t): t is TableTruth => t !== undefined);
  const truth = referencingTruth(name, 'model-reference', referenced, reads);
  const unverifiable = referenced.find((r) => r.unverifiable !== undefined)?.unverifiable;
  const plan = columns((table) => ColumnPlan.modelTables([b.modelTable(table)]));
  b.addTable(
    name,
    letIn(steps),
    {
      form: truth.form,
      upstreams: truth.upstreams,
      ...(unverifiable !== undefined && { unverifiable: `reads a table with ${unverifiable}` }),
    },
    plan,
  );
}

/** Warehouse tables named the way model authors name them, then tables built on them. */
function referencesModel(b: Builder, ctx: TenantContext): void {
  const family = b.rng.pick(['sql', 'sql', 'snowflake', 'postgres', 'databricks'] as const);
  const fact = b.rng.pick(['Sales_fct', 'FactSales', 'Fact Sales', 'Orders']);
  const dimensions = ['Dim Customer', 'DimProduct', 'Dim Store', 'Customer'];
  b.addPooled(fact, family, ctx);
  for (const name of dimensions.slice(0, b.rng.int(1, 3))) b.addPooled(name, family, ctx);
  modelReferences(b);
}

/** Two tables that read each other (a model that cannot refresh): only the references are known. */
function cycleModel(b: Builder, ctx: TenantContext): void {
  const family = b.rng.pick(['sql', 'postgres'] as const);
  for (const name of tableNames(b.rng, 2)) b.addPooled(name, family, ctx);
  const [map, merge] = ['Customer Map', 'Customer Merge'];
  b.addTable(
    map,
    letIn([
      ['Source', mName(merge)],
      ['Removed Duplicates', 'Table.Distinct(Source, {"CustomerKey"})'],
    ]),
    {
      form: 'model-cycle',
      upstreams: [expected('powerbi', { table: merge }, 'model_table')],
      expectedDiagnostics: ['cyclic_reference'],
    },
    // Read as written (the cycle is the table lineage's diagnostic): the other table's columns.
    () => ColumnPlan.modelTables([b.modelTable(merge)]),
  );
  b.addTable(
    merge,
    letIn([
      ['Source', mName(map)],
      ['Added Custom', 'Table.AddColumn(Source, "Segment", each "Retail")'],
    ]),
    {
      form: 'model-cycle',
      upstreams: [expected('powerbi', { table: map }, 'model_table')],
      expectedDiagnostics: ['cyclic_reference'],
    },
    () => ColumnPlan.modelTables([b.modelTable(map)]).add('Segment', []),
  );
}

// ---------------------------------------------------------------- conditions on a parameter

function environmentParameter(): ScanExpression {
  return {
    name: 'Environment',
    expression:
      '"PROD" meta [IsParameterQuery=true, List={"PROD", "DEV"}, DefaultValue="PROD", Type="Text", IsParameterQueryRequired=true]',
  };
}

/** `if Environment = "PROD" then prod else dev`, or the same decided from the DEV side. */
function byEnvironment(rng: Rng, prod: string, dev: string): string {
  return rng.chance(0.5)
    ? `if Environment = "PROD" then ${mText(prod)} else ${mText(dev)}`
    : `if Environment = "DEV" then ${mText(dev)} else ${mText(prod)}`;
}

function conditionModel(b: Builder, ctx: TenantContext): void {
  const sql = b.rng.chance(0.6);
  const prod = sql ? 'sql-bi-prod.contoso.com' : 'pg-bi-prod.postgres.database.azure.com';
  const dev = sql ? 'sql-bi-dev.contoso.com' : 'pg-bi-dev.postgres.database.azure.com';
  const database = sql ? 'SalesDW' : 'analytics';
  const fn = sql ? 'Sql.Database' : 'PostgreSQL.Database';
  const platform = sql ? 'sqlserver' : 'postgres';
  const schemas = sql ? ['dbo', 'sales'] : ['public', 'sales'];
  // The server is a dataset query, or a step computed in each table.
  const shared = b.rng.chance(0.5);
  b.addExpression(environmentParameter());
  if (shared) b.addExpression({ name: 'Server', expression: byEnvironment(b.rng, prod, dev) });
  b.addDatasource(instance(ctx, sql ? 'Sql' : 'PostgreSql', { server: prod, database }, false));
  for (const table of tableNames(b.rng, b.rng.int(2, 5))) {
    const schema = b.rng.pick(schemas);
    const item = warehouseName(b.rng, table);
    const navigation = `${schema}_${item}`;
    // The parameter says PROD: the condition reads the PROD server only.
    const read = expected(platform, { server: prod, database, schema, table: item });
    const plan = ColumnPlan.passthrough([read]);
    const steps: Step[] = [
      ...(shared ? [] : [['Server', byEnvironment(b.rng, prod, dev)] as Step]),
      ['Source', `${fn}(Server, ${mText(database)})`],
      [navigation, `Source{[Schema=${mText(schema)},Item=${mText(item)}]}[Data]`],
      ...appliedSteps(b.rng, navigation, b.rng.int(0, 3), plan),
    ];
    b.addTable(table, letIn(steps), { form: 'condition', upstreams: [read] }, plan);
  }
  if (b.rng.chance(0.3)) modelReferences(b);
}

// ---------------------------------------------------------------- Kusto / ADX / Eventhouse

const KUSTO_TABLES = ['StormEvents', 'PageViews', 'DeviceTelemetry', 'AppRequests', 'Traces'] as const;

function kustoCluster(rng: Rng): string {
  return rng.chance(0.3)
    ? 'https://help.kusto.windows.net'
    : `https://${rng.pick(['contoso-adx', 'telemetry', 'iotanalytics'])}.${rng.pick(['westeurope', 'eastus'])}.kusto.windows.net`;
}

function eventhouse(rng: Rng): string {
  const id = Array.from({ length: 22 }, () => rng.pick([...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('');
  return `https://trd-${id}.z0.kusto.fabric.microsoft.com`;
}

interface KqlQuery {
  text: string;
  /** What the query does to the columns of the table it reads. */
  columns: (plan: ColumnPlan) => ColumnPlan;
}

function kqlQuery(rng: Rng, table: string): KqlQuery {
  return rng.pick<KqlQuery>([
    { text: table, columns: (plan) => plan },
    {
      text: `${table} | where Timestamp > ago(30d) | project Timestamp, Name, Value`,
      columns: (plan) => plan.select(['Timestamp', 'Name', 'Value']),
    },
    {
      text: `${table}#(lf)| where Timestamp > ago(7d)#(lf)| summarize Count = count() by bin(Timestamp, 1h)`,
      // `bin(Timestamp, 1h)` keeps its column's name; count() reads no column.
      columns: (plan) =>
        plan.add('Count', [], 'aggregated').add('Timestamp', ['Timestamp']).select(['Timestamp', 'Count']),
    },
  ]);
}

function kustoTable(b: Builder, ctx: TenantContext, name: string): void {
  const table = b.rng.pick(KUSTO_TABLES);
  const database = b.rng.pick(['Telemetry', 'Samples', 'IoT', 'Logs']);
  const form = b.rng.pick([
    'AzureDataExplorer.Contents',
    'Kusto.Contents',
    'AzureDataExplorer.Databases',
  ] as const);
  const cluster = form === 'AzureDataExplorer.Databases' ? eventhouse(b.rng) : kustoCluster(b.rng);
  const kql = kqlQuery(b.rng, table);
  const query = mText(kql.text);
  const read = expected('kusto', { server: cluster, database, table });
  // The navigation form reads the table as it is; the others run the query (not read by it).
  const plan =
    form === 'AzureDataExplorer.Databases'
      ? ColumnPlan.passthrough([read])
      : kql.columns(ColumnPlan.passthrough([read]));
  const steps: Step[] =
    form === 'AzureDataExplorer.Databases'
      ? [
          ['Source', `AzureDataExplorer.Databases(${mText(cluster)})`],
          [database, `Source{[Name=${mText(database)}]}[Data]`],
          [table, `${mName(database)}{[Name=${mText(table)}]}[Data]`],
        ]
      : [
          [
            'Source',
            `${form}(${mText(cluster)}, ${mText(database)}, ${query}, [MaxRows=null, MaxSize=null, NoTruncate=null, AdditionalSetStatements=null])`,
          ],
        ];
  b.addDatasource(instance(ctx, 'AzureDataExplorer', { server: cluster, database }, false));
  const last = steps[steps.length - 1]?.[0] ?? 'Source';
  b.addTable(
    name,
    letIn([...steps, ...appliedSteps(b.rng, last, b.rng.int(0, 2), plan)]),
    { form: `kusto-${form}`, upstreams: [read] },
    plan,
  );
}

function kustoModel(b: Builder, ctx: TenantContext): void {
  for (const name of tableNames(b.rng, b.rng.int(1, 4))) kustoTable(b, ctx, name);
}

// ---------------------------------------------------------------- long chains of applied steps

function longChainTable(b: Builder, ctx: TenantContext, name: string): void {
  const src = pickSource(ctx.pool, 'sql', b.rng);
  const schema = b.rng.pick(['dbo', 'sales', 'finance']);
  const item = warehouseName(b.rng, name);
  const navigation = `${schema}_${item}`;
  const read = expected('sqlserver', { server: src.host, database: src.database, schema, table: item });
  const plan = ColumnPlan.passthrough([read]);
  b.addDatasource(src.instance);
  b.addTable(
    name,
    letIn([
      ['Source', `Sql.Database(${mText(src.host)}, ${mText(src.database)})`],
      [navigation, `Source{[Schema=${mText(schema)},Item=${mText(item)}]}[Data]`],
      ...appliedSteps(b.rng, navigation, b.rng.int(40, 60), plan),
    ]),
    { form: 'long-chain', upstreams: [read] },
    plan,
  );
}

function longChainModel(b: Builder, ctx: TenantContext): void {
  const names = tableNames(b.rng, b.rng.int(2, 5));
  const long = b.rng.int(1, Math.min(3, names.length));
  names.forEach((name, i) => (i < long ? longChainTable(b, ctx, name) : b.addPooled(name, 'sql', ctx)));
}

const BUILDERS: Record<RealWorldProfile, (b: Builder, ctx: TenantContext) => void> = {
  'as-migrated': asMigrated,
  'model-references': referencesModel,
  'model-cycle': cycleModel,
  condition: conditionModel,
  kusto: kustoModel,
  'long-chain': longChainModel,
};

/** The content of a dataset of the given profile, drawn from `rng` alone. */
export function realWorldContent(
  ctx: TenantContext,
  profile: RealWorldProfile,
  rng: Rng,
  mode: StorageMode,
): RealWorldContent {
  const builder = new Builder(rng, mode);
  BUILDERS[profile](builder, ctx);
  return builder.content;
}
