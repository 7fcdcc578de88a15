/**
 * Models whose column lineage is known exactly: a fact table shaped by applied steps (renames, an
 * added column, a duplicate, a removal), a dimension and a targets table read by native SQL
 * (aliases, expressions, a join, an aggregate or `*`), a table built on both (join, expand, group),
 * one table behind a step the analysis does not follow (unpivot), and measures and calculated
 * columns reading them. Each table records its `column_lineage` rows as its M, SQL and DAX are
 * written. Everything draws from the caller's own random stream.
 */
import type { Rng } from '../random.js';
import type { TenantContext } from './context.js';
import {
  daxRows,
  mColumnRows,
  modelColumn,
  opaqueColumnRow,
  tableShape,
  warehouseColumn,
  type ExpectedColumnRow,
  type ExpectedColumnUpstream,
  type Transformation,
} from './column-truth.js';
import { pickSource, type PooledSource } from './datasources.js';
import { expected, referencingTruth, type ExpectedUpstream, type TableTruth } from './lineage-truth.js';
import { letIn, mName, mText, nativeSql } from './m-sources.js';
import type { RealWorldContent } from './m-real-world.js';
import { daxTable } from './tables.js';
import type { ScanColumn, ScanMeasure, ScanTable } from './types.js';

type StorageMode = 'Import' | 'DirectQuery';
type Step = [string, string];

/** A data column: its name and the M (or SQL) origin it was written with. */
interface DataColumn {
  name: string;
  dataType: string;
  transformation: Transformation;
  from: readonly ExpectedColumnUpstream[];
}

interface DaxItem {
  name: string;
  expression: string;
  reads: { kind: 'column' | 'measure'; table: string; name: string }[];
}

interface TableSpec {
  name: string;
  form: string;
  expression: string;
  upstreams: ExpectedUpstream[];
  columns: DataColumn[];
  /** Data columns whose origin a step hides. */
  opaque?: string[];
  calculated?: DaxItem[];
  measures?: DaxItem[];
}

class ModelBuilder {
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

  add(spec: TableSpec): void {
    const dataColumns: ScanColumn[] = [
      ...spec.columns.map((c) => ({
        name: c.name,
        dataType: c.dataType,
        isHidden: false,
        columnType: 'Data',
      })),
      ...(spec.opaque ?? []).map((name) => ({
        name,
        dataType: 'String',
        isHidden: false,
        columnType: 'Data',
      })),
    ];
    const calculated: ScanColumn[] = (spec.calculated ?? []).map((c) => ({
      name: c.name,
      dataType: 'Double',
      isHidden: false,
      columnType: 'Calculated',
      expression: c.expression,
    }));
    const table: ScanTable = {
      name: spec.name,
      columns: [...dataColumns, ...calculated],
      isHidden: false,
      storageMode: this.mode,
      source: [{ expression: spec.expression }],
    };
    const measures: ScanMeasure[] = (spec.measures ?? []).map((m) => ({
      name: m.name,
      expression: m.expression,
      isHidden: false,
    }));
    if (measures.length > 0) table.measures = measures;
    const rows: ExpectedColumnRow[] = [
      ...spec.columns.flatMap((c) => mColumnRows(c.name, c.transformation, c.from)),
      ...(spec.opaque ?? []).map(opaqueColumnRow),
      ...(spec.calculated ?? []).flatMap((c) => daxRows(c.name, 'calculated_column', c.reads)),
      ...(spec.measures ?? []).flatMap((m) => daxRows(m.name, 'measure', m.reads)),
    ];
    this.content.tables.push(table);
    this.content.truth.push({
      table: spec.name,
      form: spec.form,
      upstreams: spec.upstreams,
      columns: { rows, shape: tableShape(table) },
    });
  }

  truthOf(name: string): TableTruth | undefined {
    return this.content.truth.find((t) => t.table === name);
  }
}

function column(
  name: string,
  transformation: Transformation,
  from: readonly ExpectedColumnUpstream[],
  dataType = 'String',
): DataColumn {
  return { name, dataType, transformation, from };
}

interface Warehouse {
  src: PooledSource;
  schema: string;
  table(item: string): ExpectedUpstream;
}

function warehouse(ctx: TenantContext, rng: Rng): Warehouse {
  const src = pickSource(ctx.pool, 'sql', rng);
  const schema = rng.pick(['dbo', 'sales']);
  return {
    src,
    schema,
    table: (item) => expected('sqlserver', { server: src.host, database: src.database, schema, table: item }),
  };
}

function sqlDatabase(w: Warehouse, query?: string[]): string {
  const options = query === undefined ? '' : `, [Query=${nativeSql(query)}]`;
  return `Sql.Database(${mText(w.src.host)}, ${mText(w.src.database)}${options})`;
}

/** Names of the model's tables, drawn once. */
interface Names {
  fact: string;
  customer: string;
  summary: string;
}

/** Navigation, a rename, an added column, maybe a duplicate and a filter, a removal. */
function factTable(b: ModelBuilder, w: Warehouse, names: Names): void {
  const item = b.rng.pick(['orders', 'fact_orders', 'OrderHeader']);
  const up = w.table(item);
  const at = (name: string) => warehouseColumn(up, name);
  const navigation = `${w.schema}_${item}`;
  const steps: Step[] = [
    ['Source', sqlDatabase(w)],
    [navigation, `Source{[Schema=${mText(w.schema)},Item=${mText(item)}]}[Data]`],
  ];
  const next = (name: string, value: (previous: string) => string): void => {
    const previous = steps[steps.length - 1]?.[0] ?? 'Source';
    steps.push([name, value(mName(previous))]);
  };
  next(
    'Renamed Columns',
    (p) => `Table.RenameColumns(${p},{{"order_amt", "Amount"}, {"cust_id", "CustomerKey"}})`,
  );
  if (b.rng.chance(0.5))
    next('Changed Type', (p) => `Table.TransformColumnTypes(${p},{{"OrderDate", type date}})`);
  next('Added Custom', (p) => `Table.AddColumn(${p}, "Net Amount", each [Amount] - [discount], type number)`);
  const duplicate = b.rng.chance(0.5);
  if (duplicate) next('Duplicated Column', (p) => `Table.DuplicateColumn(${p}, "OrderDate", "Order Day")`);
  if (b.rng.chance(0.5)) next('Filtered Rows', (p) => `Table.SelectRows(${p}, each [Amount] > 0)`);
  next('Removed Columns', (p) => `Table.RemoveColumns(${p},{"discount"})`);
  const status = b.rng.chance(0.5);
  const t = daxTable(names.fact);
  b.add({
    name: names.fact,
    form: 'sqlserver-columns-steps',
    expression: letIn(steps),
    upstreams: [up],
    columns: [
      column('OrderKey', 'identity', [at('OrderKey')], 'Int64'),
      column('OrderDate', 'identity', [at('OrderDate')], 'DateTime'),
      column('Amount', 'renamed', [at('order_amt')], 'Decimal'),
      column('CustomerKey', 'renamed', [at('cust_id')], 'Int64'),
      column('Net Amount', 'derived', [at('order_amt'), at('discount')], 'Decimal'),
      ...(duplicate ? [column('Order Day', 'identity', [at('OrderDate')], 'DateTime')] : []),
      ...(status ? [column('Status', 'identity', [at('Status')])] : []),
    ],
    calculated: [
      {
        name: 'Net Ratio',
        expression: 'DIVIDE([Net Amount], [Amount])',
        reads: [
          { kind: 'column', table: names.fact, name: 'Net Amount' },
          { kind: 'column', table: names.fact, name: 'Amount' },
        ],
      },
      {
        name: 'Customer Segment',
        expression: `RELATED(${daxTable(names.customer)}[Segment])`,
        reads: [{ kind: 'column', table: names.customer, name: 'Segment' }],
      },
    ],
    measures: [
      {
        name: 'Total Amount',
        expression: `SUM(${t}[Amount])`,
        reads: [{ kind: 'column', table: names.fact, name: 'Amount' }],
      },
      {
        name: 'Net Sales',
        expression: `SUMX(${t}, ${t}[Net Amount]) -- net of discounts`,
        reads: [{ kind: 'column', table: names.fact, name: 'Net Amount' }],
      },
      {
        name: 'Average Order',
        expression: `VAR OrderCount = COUNTROWS(${t})\nRETURN DIVIDE([Total Amount], OrderCount)`,
        reads: [{ kind: 'measure', table: names.fact, name: 'Total Amount' }],
      },
    ],
  });
}

/** Native SQL: aliases (renamed), expressions (derived), a plain column, maybe a join. */
function customerTable(b: ModelBuilder, w: Warehouse, names: Names): void {
  const customers = w.table('customers');
  const regions = w.table('regions');
  const c = (name: string) => warehouseColumn(customers, name);
  const joined = b.rng.chance(0.5);
  const query = joined
    ? [
        'SELECT c.customer_id AS CustomerKey,',
        "       CONCAT(c.first_name, ' ', c.last_name) AS [Customer Name],",
        '       r.region_name AS Country,',
        '       c.segment',
        `FROM ${w.schema}.customers AS c`,
        `JOIN ${w.schema}.regions AS r ON r.region_id = c.region_id`,
      ]
    : [
        'SELECT c.customer_id AS CustomerKey, c.full_name AS [Customer Name],',
        '       UPPER(c.country_code) AS Country, c.segment',
        `FROM ${w.schema}.customers AS c WHERE c.is_active = 1`,
      ];
  b.add({
    name: names.customer,
    form: 'sqlserver-columns-native',
    expression: letIn([['Source', sqlDatabase(w, query)]]),
    upstreams: joined ? [customers, regions] : [customers],
    columns: [
      column('CustomerKey', 'renamed', [c('customer_id')], 'Int64'),
      joined
        ? column('Customer Name', 'derived', [c('first_name'), c('last_name')])
        : column('Customer Name', 'renamed', [c('full_name')]),
      joined
        ? column('Country', 'renamed', [warehouseColumn(regions, 'region_name')])
        : column('Country', 'derived', [c('country_code')]),
      // The query says `segment`; the model keeps the name with a capital, as a hand edit would.
      column('Segment', 'identity', [c('segment')]),
    ],
  });
}

/** Native SQL with an aggregate, or `*` (every column passes through under its own name). */
function targetsTable(b: ModelBuilder, w: Warehouse): void {
  const targets = w.table('targets');
  const t = (name: string) => warehouseColumn(targets, name);
  const star = b.rng.chance(0.5);
  const query = star
    ? [`SELECT * FROM ${w.schema}.targets`]
    : ['SELECT region, SUM(target_amount) AS total_target', `FROM ${w.schema}.targets`, 'GROUP BY region'];
  b.add({
    name: 'Targets',
    form: 'sqlserver-columns-native',
    expression: letIn([['Source', sqlDatabase(w, query)]]),
    upstreams: [targets],
    columns: star
      ? [column('Region', 'identity', [t('Region')]), column('TargetAmount', 'identity', [t('TargetAmount')])]
      : [
          column('Region', 'identity', [t('region')]),
          column('total_target', 'aggregated', [t('target_amount')]),
        ],
    measures: [
      {
        name: 'Target',
        expression: `SUM(Targets[${star ? 'TargetAmount' : 'total_target'}])`,
        reads: [{ kind: 'column', table: 'Targets', name: star ? 'TargetAmount' : 'total_target' }],
      },
    ],
  });
}

/** A table on two tables of the model: join, expand with new names, group. */
function summaryTable(b: ModelBuilder, names: Names): void {
  const { fact, customer, summary } = names;
  const steps: Step[] = [
    ['Source', mName(fact)],
    [
      'Merged Queries',
      `Table.NestedJoin(Source, {"CustomerKey"}, ${mName(customer)}, {"CustomerKey"}, ${mText(customer)}, JoinKind.LeftOuter)`,
    ],
    [
      'Expanded Customer',
      `Table.ExpandTableColumn(#"Merged Queries", ${mText(customer)}, {"Customer Name", "Country"}, {"Customer", "Country"})`,
    ],
    [
      'Grouped Rows',
      'Table.Group(#"Expanded Customer", {"Customer", "Country"}, {{"Sales Amount", each List.Sum([Amount]), type number}, {"Order Count", each Table.RowCount(_), Int64.Type}})',
    ],
  ];
  const referenced = [fact, customer].map((name) => b.truthOf(name)).filter((t): t is TableTruth => !!t);
  const truth = referencingTruth(summary, 'sqlserver-columns-reference', referenced, [fact, customer]);
  b.add({
    name: summary,
    form: truth.form,
    expression: letIn(steps),
    upstreams: truth.upstreams,
    columns: [
      column('Customer', 'renamed', [modelColumn(customer, 'Customer Name')]),
      column('Country', 'identity', [modelColumn(customer, 'Country')]),
      column('Sales Amount', 'aggregated', [modelColumn(fact, 'Amount')], 'Decimal'),
      // A row count reads no column: no row, nothing invented.
      column('Order Count', 'aggregated', [], 'Int64'),
    ],
    measures: [
      {
        name: 'Customer Share',
        expression: `DIVIDE(SUM(${daxTable(summary)}[Sales Amount]), [Total Amount])`,
        reads: [
          { kind: 'column', table: summary, name: 'Sales Amount' },
          { kind: 'measure', table: fact, name: 'Total Amount' },
        ],
      },
    ],
  });
}

/** A step the analysis does not follow: every column after it is opaque, named in a diagnostic. */
function unpivotedTable(b: ModelBuilder, w: Warehouse): void {
  const item = 'monthly_budget';
  const navigation = `${w.schema}_${item}`;
  b.add({
    name: 'Budget by Month',
    form: 'sqlserver-columns-unsupported',
    expression: letIn([
      ['Source', sqlDatabase(w)],
      [navigation, `Source{[Schema=${mText(w.schema)},Item=${mText(item)}]}[Data]`],
      ['Renamed Columns', `Table.RenameColumns(${mName(navigation)},{{"dept", "Department"}})`],
      [
        'Unpivoted Columns',
        'Table.UnpivotOtherColumns(#"Renamed Columns", {"Department"}, "Month", "Budget")',
      ],
    ]),
    upstreams: [w.table(item)],
    columns: [],
    opaque: ['Department', 'Month', 'Budget'],
  });
}

/** The content of a dataset whose every column edge is known, drawn from `rng` alone. */
export function columnLineageContent(ctx: TenantContext, rng: Rng, mode: StorageMode): RealWorldContent {
  const b = new ModelBuilder(rng, mode);
  const w = warehouse(ctx, rng);
  b.content.datasources.push(w.src.instance);
  const names: Names = {
    fact: rng.pick(['Orders', 'Sales Orders']),
    customer: rng.pick(['Customer', 'Dim Customer']),
    summary: 'Customer Sales',
  };
  factTable(b, w, names);
  customerTable(b, w, names);
  if (rng.chance(0.6)) targetsTable(b, w);
  summaryTable(b, names);
  if (rng.chance(0.5)) unpivotedTable(b, w);
  return b.content;
}
