import type { Rng } from '../random.js';
import type { DaxTruth } from './column-truth.js';
import { TABLE_STEMS } from './names.js';
import type { ScanColumn, ScanMeasure, ScanTable } from './types.js';

/** A generated model table and what the DAX of its calculated columns and measures reads. */
export interface GeneratedTable {
  table: ScanTable;
  dax: DaxTruth[];
}

/** DAX reference to a table: quoted when the name is not a plain identifier. */
export function daxTable(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

export function tableNames(rng: Rng, count: number): string[] {
  const names = new Set<string>();
  names.add(`Fact${rng.pick(TABLE_STEMS)}`);
  while (names.size < count) {
    const stem = rng.pick(TABLE_STEMS);
    const candidate = rng.chance(0.7) ? `Dim${stem}` : rng.chance(0.5) ? `${stem} Details` : stem;
    names.add(names.has(candidate) ? `${candidate} ${names.size}` : candidate);
  }
  return [...names];
}

function dataColumns(rng: Rng, table: string, dax: DaxTruth[]): ScanColumn[] {
  const stem = table.replace(/^(Fact|Dim)/, '').replace(/ .*$/, '');
  const columns: ScanColumn[] = [
    { name: `${stem}Key`, dataType: 'Int64', isHidden: true, columnType: 'Data' },
    { name: `${stem} Name`, dataType: 'String', isHidden: false, columnType: 'Data' },
  ];
  const extras: ScanColumn[] = [
    {
      name: 'OrderDate',
      dataType: 'DateTime',
      isHidden: false,
      columnType: 'Data',
      formatString: 'General Date',
    },
    {
      name: 'Amount',
      dataType: 'Decimal',
      isHidden: false,
      columnType: 'Data',
      formatString: '\\$#,0.00;(\\$#,0.00);\\$#,0.00',
      summarizeBy: 'Sum',
    },
    { name: 'Quantity', dataType: 'Int64', isHidden: false, columnType: 'Data', summarizeBy: 'Sum' },
    { name: 'Country', dataType: 'String', isHidden: false, columnType: 'Data', dataCategory: 'Country' },
    { name: 'City', dataType: 'String', isHidden: false, columnType: 'Data', dataCategory: 'City' },
    { name: 'IsActive', dataType: 'Boolean', isHidden: false, columnType: 'Data' },
    { name: 'Cost', dataType: 'Double', isHidden: false, columnType: 'Data', summarizeBy: 'Sum' },
    { name: 'Catégorie', dataType: 'String', isHidden: false, columnType: 'Data' },
    { name: 'Sort Order', dataType: 'Int64', isHidden: true, columnType: 'Data' },
  ];
  const wanted = rng.int(1, 7);
  for (let i = 0; i < wanted; i++) {
    const column = rng.pick(extras);
    if (!columns.some((c) => c.name === column.name)) columns.push({ ...column });
  }
  if (columns.some((c) => c.name === 'Sort Order')) {
    const label = columns[1];
    if (label) label.sortByColumn = 'Sort Order';
  }
  if (columns.some((c) => c.name === 'Amount') && columns.some((c) => c.name === 'Cost') && rng.chance(0.5)) {
    columns.push({
      name: 'Margin %',
      dataType: 'Double',
      isHidden: false,
      columnType: 'Calculated',
      expression: 'DIVIDE([Amount] - [Cost], [Amount])',
    });
    dax.push({
      name: 'Margin %',
      downstreamKind: 'calculated_column',
      reads: ['Amount', 'Cost'].map((name) => ({ kind: 'column', table, name, bare: true })),
    });
  }
  if (rng.chance(0.2)) {
    columns.push({
      name: `RowNumber-${rng.uuid().toUpperCase()}`,
      dataType: 'Int64',
      isHidden: true,
      columnType: 'RowNumber',
    });
  }
  return columns;
}

function measures(rng: Rng, table: string, columns: ScanColumn[], dax: DaxTruth[]): ScanMeasure[] {
  const t = daxTable(table);
  const stem = table.replace(/^(Fact|Dim)/, '');
  const amount = columns.find((c) => c.name === 'Amount' || c.name === 'Quantity' || c.name === 'Cost')?.name;
  const result: ScanMeasure[] = [{ name: `${stem} Count`, expression: `COUNTROWS(${t})`, isHidden: false }];
  // A whole table (COUNTROWS) is no column: the measure has no row.
  const measureReads = (name: string, ...what: DaxTruth['reads']) =>
    dax.push({ name, downstreamKind: 'measure', reads: what });
  measureReads(`${stem} Count`);
  if (amount) {
    measureReads(`Total ${stem}`, { kind: 'column', table, name: amount });
    result.push({
      name: `Total ${stem}`,
      expression: `SUM(${t}[${amount}])`,
      formatString: '\\$#,0.00;(\\$#,0.00);\\$#,0.00',
      description: rng.chance(0.5) ? `Sum of ${amount}` : undefined,
      isHidden: false,
    });
    if (rng.chance(0.5)) {
      result.push({
        name: `${stem} YoY %`,
        expression: `VAR PrevYear = CALCULATE([Total ${stem}], SAMEPERIODLASTYEAR('Date'[Date]))\nRETURN DIVIDE([Total ${stem}] - PrevYear, PrevYear)`,
        formatString: '0.0%',
        isHidden: false,
      });
      measureReads(
        `${stem} YoY %`,
        { kind: 'measure', table, name: `Total ${stem}`, bare: true },
        { kind: 'column', table: 'Date', name: 'Date' },
      );
    }
  }
  if (rng.chance(0.2)) {
    const key = columns[0]?.name ?? 'Id';
    result.push({ name: `_${stem} helper`, expression: `MAX(${t}[${key}])`, isHidden: true });
    measureReads(`_${stem} helper`, { kind: 'column', table, name: key });
  }
  return result.map((m) => (m.description === undefined ? (({ description: _d, ...rest }) => rest)(m) : m));
}

/** A table read from a source: columns, measures on facts, the M source filled in by the caller. */
export function dataTable(rng: Rng, name: string, storageMode: string, expression: string): GeneratedTable {
  const dax: DaxTruth[] = [];
  const columns = dataColumns(rng, name, dax);
  const table: ScanTable = {
    name,
    columns,
    isHidden: rng.chance(0.08),
    storageMode,
    source: [{ expression }],
  };
  if (name.startsWith('Fact') || rng.chance(0.15)) table.measures = measures(rng, name, columns, dax);
  if (rng.chance(0.3)) table.description = `One row per ${name.replace(/^(Fact|Dim)/, '').toLowerCase()}`;
  return { table, dax };
}

/** The names of a table's columns loaded by Power Query (not DAX, not row numbers). */
export function dataColumnNames(table: ScanTable): string[] {
  return table.columns.filter((c) => c.columnType === 'Data').map((c) => c.name);
}

const DATE_COLUMN = { kind: 'column', table: 'Date', name: 'Date' } as const;

/** The DAX calculated Date table found in most import models. */
export function calendarTable(expression: string): GeneratedTable {
  const dax: DaxTruth[] = ['Year', 'Month'].map((name) => ({
    name,
    downstreamKind: 'calculated_column',
    reads: [DATE_COLUMN],
  }));
  const table: ScanTable = {
    name: 'Date',
    columns: [
      {
        name: 'Date',
        dataType: 'DateTime',
        isHidden: false,
        columnType: 'CalculatedTableColumn',
        dataCategory: 'PaddedDateTableDates',
      },
      {
        name: 'Year',
        dataType: 'Int64',
        isHidden: false,
        columnType: 'Calculated',
        expression: "YEAR('Date'[Date])",
      },
      {
        name: 'Month',
        dataType: 'String',
        isHidden: false,
        columnType: 'Calculated',
        expression: 'FORMAT(\'Date\'[Date], "MMM")',
      },
    ],
    isHidden: false,
    storageMode: 'Import',
    source: [{ expression }],
  };
  return { table, dax };
}
