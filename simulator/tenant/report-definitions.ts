/**
 * What is inside each Power BI report of the tenant: pages, visuals and the fields each visual
 * shows, drawn from the report's own dataset (its real tables, columns and measures), plus the
 * measures a report defines itself. Format-free: simulator/fabric/definition-files.ts writes it as
 * PBIR-Legacy or PBIR parts. This is also the ground truth the report stream tests compare with.
 *
 * Randomness comes from its own stream, keyed by the report id and its last change, so the rest of
 * the tenant is generated exactly as before, and a changed report gets a changed definition.
 */
import { rngFrom, type Rng } from '../random.js';
import type { ScanDataset, ScanReport, ScanTable } from './types.js';

export type DefinitionFormat = 'pbir-legacy' | 'pbir';

export interface TruthField {
  role: string;
  kind: 'column' | 'measure' | 'aggregation' | 'hierarchy_level';
  table: string;
  column: string | null;
  measure: string | null;
  aggregation: string | null;
  hierarchy: string | null;
  level: string | null;
  /** The automatic date hierarchy of a date column (PropertyVariationSource) rather than a user hierarchy. */
  dateVariation: boolean;
  reportMeasure: boolean;
}

export interface TruthVisual {
  id: string;
  pageName: string;
  visualType: string | null;
  title: string | null;
  hidden: boolean;
  isGroup: boolean;
  parentGroup: string | null;
  x: number;
  y: number;
  width: number;
  height: number;
  fields: TruthField[];
}

export interface TruthPage {
  name: string;
  displayName: string;
  order: number;
  hidden: boolean;
  pageType: 'Drillthrough' | 'Tooltip' | null;
  width: number;
  height: number;
}

export interface TruthMeasure {
  table: string;
  name: string;
  expression: string;
  dataType: string;
}

export interface ReportDefinitionTruth {
  reportId: string;
  datasetId: string;
  format: DefinitionFormat;
  /** getDefinition answers at once (200) rather than through a long-running operation (202). */
  immediate: boolean;
  /** Polls that answer Running before the operation succeeds. */
  runningPolls: number;
  pages: TruthPage[];
  visuals: TruthVisual[];
  reportMeasures: TruthMeasure[];
}

export const AGGREGATION_FUNCTIONS = ['Sum', 'Avg', 'Count', 'Min', 'Max', 'CountNonNull'] as const;

const PAGE_NAMES = ['Overview', 'By Region', 'Detail', 'Trends', 'Übersicht', "Manager's view", '売上'];
const DATE_LEVELS = ['Year', 'Quarter', 'Month', 'Day'];
const NUMERIC = new Set(['Int64', 'Decimal', 'Double']);

interface Model {
  tables: ScanTable[];
  reportMeasures: TruthMeasure[];
}

function hex(rng: Rng, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(rng.next() * 16).toString(16);
  return out;
}

function tablesWithColumns(dataset: ScanDataset | undefined): ScanTable[] {
  return (dataset?.tables ?? []).filter((t) => t.columns.some((c) => !c.isHidden));
}

function field(role: string, kind: TruthField['kind'], table: string, rest: Partial<TruthField>): TruthField {
  return {
    role,
    kind,
    table,
    column: null,
    measure: null,
    aggregation: null,
    hierarchy: null,
    level: null,
    dateVariation: false,
    reportMeasure: false,
    ...rest,
  };
}

/** A grouping field: a column, or a level of a hierarchy (date or user) over one. */
function groupingField(rng: Rng, role: string, model: Model): TruthField {
  const table = rng.pick(model.tables);
  const visible = table.columns.filter((c) => !c.isHidden);
  const dates = visible.filter((c) => c.dataType === 'DateTime');
  const roll = rng.next();
  if (dates.length > 0 && roll < 0.3) {
    const column = rng.pick(dates).name;
    return field(role, 'hierarchy_level', table.name, {
      column,
      hierarchy: 'Date Hierarchy',
      level: rng.pick(DATE_LEVELS),
      dateVariation: true,
    });
  }
  const column = rng.pick(visible).name;
  if (roll < 0.45)
    return field(role, 'hierarchy_level', table.name, {
      column,
      hierarchy: `${table.name} Hierarchy`,
      level: column,
    });
  return field(role, 'column', table.name, { column });
}

/** A value field: a dataset measure, a report-level measure, or a summarized column. */
function valueField(rng: Rng, role: string, model: Model): TruthField {
  const withMeasures = model.tables.filter((t) => (t.measures ?? []).length > 0);
  const roll = rng.next();
  if (model.reportMeasures.length > 0 && roll < 0.15) {
    const m = rng.pick(model.reportMeasures);
    return field(role, 'measure', m.table, { measure: m.name, reportMeasure: true });
  }
  if (withMeasures.length > 0 && roll < 0.6) {
    const table = rng.pick(withMeasures);
    return field(role, 'measure', table.name, { measure: rng.pick(table.measures ?? []).name });
  }
  const table = rng.pick(model.tables);
  const visible = table.columns.filter((c) => !c.isHidden);
  const numeric = visible.filter((c) => NUMERIC.has(c.dataType));
  const column = rng.pick(numeric.length > 0 ? numeric : visible);
  const fn = NUMERIC.has(column.dataType)
    ? rng.pick(['Sum', 'Avg', 'Min', 'Max'])
    : rng.pick(['Count', 'CountNonNull']);
  return field(role, 'aggregation', table.name, { column: column.name, aggregation: fn });
}

/** Visual types and the buckets they fill. */
const VISUALS: { type: string; buckets: [string, 'group' | 'value', number, number][] }[] = [
  {
    type: 'clusteredBarChart',
    buckets: [
      ['Category', 'group', 1, 1],
      ['Y', 'value', 1, 2],
    ],
  },
  {
    type: 'lineChart',
    buckets: [
      ['Category', 'group', 1, 1],
      ['Y', 'value', 1, 2],
    ],
  },
  { type: 'card', buckets: [['Values', 'value', 1, 1]] },
  { type: 'tableEx', buckets: [['Values', 'group', 1, 3]] },
  {
    type: 'pivotTable',
    buckets: [
      ['Rows', 'group', 1, 2],
      ['Values', 'value', 1, 2],
    ],
  },
  { type: 'slicer', buckets: [['Values', 'group', 1, 1]] },
  {
    type: 'pieChart',
    buckets: [
      ['Category', 'group', 1, 1],
      ['Y', 'value', 1, 1],
    ],
  },
];

const identity = (f: TruthField): string =>
  JSON.stringify([
    f.kind,
    f.table,
    f.column,
    f.measure,
    f.aggregation,
    f.hierarchy,
    f.level,
    f.dateVariation,
  ]);

/** A bucket never holds the same field twice (Power BI would not add it again). */
function visualFields(rng: Rng, type: (typeof VISUALS)[number], model: Model): TruthField[] {
  const fields: TruthField[] = [];
  for (const [role, sort, min, max] of type.buckets) {
    const count = rng.int(min, max);
    const inBucket = new Set<string>();
    for (let i = 0; i < count; i++) {
      const f = sort === 'group' ? groupingField(rng, role, model) : valueField(rng, role, model);
      if (inBucket.has(identity(f))) continue;
      inBucket.add(identity(f));
      fields.push(f);
    }
  }
  return fields;
}

function titleOf(rng: Rng, fields: TruthField[]): string | null {
  if (!rng.chance(0.5)) return null;
  const first = fields[0];
  const subject = first?.measure ?? first?.column ?? 'Notes';
  return rng.chance(0.2) ? `${subject} – 'quoted' view` : `${subject} by ${first?.table ?? 'all'}`;
}

function visualsOf(rng: Rng, page: TruthPage, model: Model): TruthVisual[] {
  const visuals: TruthVisual[] = [];
  const count = rng.int(1, 6);
  const groupId = model.tables.length > 0 && rng.chance(0.1) ? hex(rng, 20) : null;
  if (groupId)
    visuals.push({
      id: groupId,
      pageName: page.name,
      visualType: null,
      title: 'Group',
      hidden: false,
      isGroup: true,
      parentGroup: null,
      x: 0,
      y: 0,
      width: 640,
      height: 360,
      fields: [],
    });
  for (let i = 0; i < count; i++) {
    const textOnly = model.tables.length === 0 || rng.chance(0.08);
    const type = rng.pick(VISUALS);
    const fields = textOnly ? [] : visualFields(rng, type, model);
    visuals.push({
      id: hex(rng, 20),
      pageName: page.name,
      visualType: textOnly ? 'textbox' : type.type,
      title: textOnly ? null : titleOf(rng, fields),
      hidden: rng.chance(0.05),
      isGroup: false,
      parentGroup: groupId && i === 0 ? groupId : null,
      x: (i % 3) * 420,
      y: Math.floor(i / 3) * 240,
      width: 400,
      height: 220,
      fields,
    });
  }
  return visuals;
}

function pagesOf(rng: Rng, format: DefinitionFormat): TruthPage[] {
  const count = rng.int(1, 4);
  return Array.from({ length: count }, (_, order) => {
    const special = order > 0 && rng.chance(0.15) ? rng.pick(['Drillthrough', 'Tooltip'] as const) : null;
    return {
      name: format === 'pbir' ? hex(rng, 20) : order === 0 ? 'ReportSection' : `ReportSection${hex(rng, 20)}`,
      displayName: PAGE_NAMES[(order + rng.int(0, PAGE_NAMES.length - 1)) % PAGE_NAMES.length]!,
      order,
      hidden: special === 'Tooltip' || (order > 0 && rng.chance(0.1)),
      pageType: special,
      width: special === 'Tooltip' ? 320 : 1280,
      height: special === 'Tooltip' ? 240 : 720,
    };
  });
}

function reportMeasuresOf(rng: Rng, tables: ScanTable[]): TruthMeasure[] {
  if (tables.length === 0 || !rng.chance(0.3)) return [];
  const table = rng.pick(tables);
  const numeric = table.columns.find((c) => NUMERIC.has(c.dataType));
  const target = numeric ?? table.columns[0]!;
  return [
    {
      table: table.name,
      name: `Report ${target.name} ×1.1`,
      expression: `SUM('${table.name}'[${target.name}]) * 1.1`,
      dataType: 'Double',
    },
  ];
}

/**
 * The definition of a Power BI report with a dataset; undefined for paginated reports, app copies
 * and reports without a dataset (the Fabric API gives no definition for them).
 */
export function reportDefinition(
  seed: number,
  report: ScanReport,
  dataset: ScanDataset | undefined,
): ReportDefinitionTruth | undefined {
  if (report.reportType !== 'PowerBIReport' || report.appId || !report.datasetId) return undefined;
  const rng = rngFrom(seed, 'report-definition', report.id, report.modifiedDateTime);
  const format: DefinitionFormat = rng.chance(0.5) ? 'pbir' : 'pbir-legacy';
  const tables = tablesWithColumns(dataset);
  const model: Model = { tables, reportMeasures: reportMeasuresOf(rng, tables) };
  const pages = pagesOf(rng, format);
  return {
    reportId: report.id,
    datasetId: report.datasetId,
    format,
    immediate: rng.chance(0.2),
    runningPolls: rng.int(0, 2),
    pages,
    visuals: pages.flatMap((page) => visualsOf(rng, page, model)),
    reportMeasures: model.reportMeasures,
  };
}
