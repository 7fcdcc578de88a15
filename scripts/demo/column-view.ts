/**
 * The column view of the lineage page, read from the destination's current rows: for the warehouse
 * tables most used by reports, which of their columns feed which model columns, which measures
 * read those, and which reports use the dataset.
 */
import type { Destination } from './destination.js';

export interface ColumnUse {
  column: string;
  /** `dataset / table[column]` of each model column it loads. */
  modelColumns: string[];
  /** `table[measure]` of each measure or calculated column that reads one of those. */
  measures: string[];
  reports: string[];
  /** `report / page / visual` of each visual showing one of those model columns or measures (report_visuals). */
  visuals: string[];
}

export interface WarehouseColumns {
  platform: string;
  table: string;
  columns: ColumnUse[];
}

interface Row {
  platform: string;
  qualified: string;
  warehouse_column: string;
  dataset_id: string;
  dataset: string;
  model_table: string;
  model_name: string;
  measure_table: string | null;
  measure_name: string | null;
  report: string | null;
}

interface VisualRow {
  key: string;
  visual: string;
}

/** Every field a visual shows, keyed by dataset, table and column or measure (lower-cased). */
const VISUAL_FIELDS_SQL = `
SELECT lower(v."datasetId") || '|' || lower(v.f->>'table') || '|' || lower(coalesce(v.f->>'column', v.f->>'measure')) AS key,
       coalesce(r.name, v."reportId") || ' / ' || v."pageName" || ' / ' || coalesce(v.title, v."visualType", v.id) AS visual
FROM (SELECT *, unnest(json_extract(fields, '$[*]')) AS f FROM report_visuals) AS v
LEFT JOIN reports AS r ON lower(r.id) = lower(v."reportId")
WHERE v.f->>'table' IS NOT NULL AND coalesce(v.f->>'column', v.f->>'measure') IS NOT NULL`;

/** Warehouse column -> model column (M) -> measure or calculated column (DAX) -> report of the dataset. */
const COLUMN_VIEW_SQL = `
WITH loads AS (
  SELECT upstream->>'platform' AS platform, upstream->>'qualifiedName' AS qualified,
         upstream->>'column' AS warehouse_column, lower("datasetId") AS dataset_id,
         "datasetName" AS dataset, "tableName" AS table_name, name
  FROM column_lineage WHERE "upstreamKind" = 'warehouse_column'
),
reads AS (
  SELECT lower("datasetId") AS dataset_id, lower(upstream->>'table') AS table_name,
         lower(upstream->>'column') AS name, "tableName" AS measure_table, name AS measure_name
  FROM column_lineage WHERE "upstreamKind" = 'model_column'
),
reports_of AS (
  SELECT DISTINCT lower(l."targetId") AS dataset_id, r.name AS report
  FROM lineage AS l JOIN reports AS r ON lower(r.id) = lower(l."sourceId")
  WHERE l.relation = 'datasetId' AND l."sourceType" = 'report'
)
SELECT l.platform, l.qualified, l.warehouse_column, l.dataset_id, l.dataset,
       l.table_name AS model_table, l.name AS model_name, m.measure_table, m.measure_name, rp.report
FROM loads AS l
LEFT JOIN reads AS m
  ON m.dataset_id = l.dataset_id AND m.table_name = lower(l.table_name) AND m.name = lower(l.name)
LEFT JOIN reports_of AS rp ON rp.dataset_id = l.dataset_id
WHERE l.qualified IN (
  SELECT qualified FROM (
    SELECT l2.qualified, count(DISTINCT rp2.report) AS n
    FROM loads AS l2 JOIN reports_of AS rp2 ON rp2.dataset_id = l2.dataset_id
    GROUP BY l2.qualified ORDER BY n DESC, l2.qualified LIMIT $limit
  )
)`;

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => a.localeCompare(b));
}

async function visualsByField(db: Destination): Promise<Map<string, string[]>> {
  const byField = new Map<string, string[]>();
  if (!db.has('report_visuals')) return byField;
  for (const { key, visual } of await db.rows<VisualRow>(VISUAL_FIELDS_SQL))
    byField.set(key, [...(byField.get(key) ?? []), visual]);
  return byField;
}

export async function readColumnView(db: Destination, limit = 12): Promise<WarehouseColumns[]> {
  if (!['column_lineage', 'lineage', 'reports'].every((t) => db.has(t))) return [];
  const rows = await db.rows<Row>(COLUMN_VIEW_SQL.replace('$limit', String(Math.max(1, Math.floor(limit)))));
  const visuals = await visualsByField(db);
  const shownBy = (dataset: string, table: string, name: string) =>
    visuals.get(`${dataset}|${table.toLowerCase()}|${name.toLowerCase()}`) ?? [];
  const tables = new Map<string, { platform: string; columns: Map<string, Row[]> }>();
  for (const row of rows) {
    const table = tables.get(row.qualified) ?? { platform: row.platform, columns: new Map<string, Row[]>() };
    tables.set(row.qualified, table);
    table.columns.set(row.warehouse_column, [...(table.columns.get(row.warehouse_column) ?? []), row]);
  }
  return [...tables.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([qualified, { platform, columns }]) => ({
      platform,
      table: qualified,
      columns: [...columns.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([column, uses]) => ({
          column,
          modelColumns: sorted(uses.map((u) => `${u.dataset} / ${u.model_table}[${u.model_name}]`)),
          measures: sorted(
            uses.flatMap((u) =>
              u.measure_table === null || u.measure_name === null
                ? []
                : [`${u.measure_table}[${u.measure_name}]`],
            ),
          ),
          reports: sorted(uses.flatMap((u) => (u.report === null ? [] : [u.report]))),
          visuals: sorted(
            uses.flatMap((u) => [
              ...shownBy(u.dataset_id, u.model_table, u.model_name),
              ...(u.measure_table === null || u.measure_name === null
                ? []
                : shownBy(u.dataset_id, u.measure_table, u.measure_name)),
            ]),
          ),
        })),
    }));
}
