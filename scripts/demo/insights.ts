/** What the demo reports from the destination: row counts and the most depended-on warehouse tables. */
import { ident } from './duckdb-columns.js';
import type { Destination } from './destination.js';

export interface UpstreamTable {
  platform: string;
  warehouse: string;
  table: string;
  reports: number;
  datasets: number;
}

export async function rowCounts(db: Destination, streams: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const stream of streams) {
    const [row] = await db.rows<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${ident(stream)}`);
    counts.set(stream, row?.n ?? 0);
  }
  return counts;
}

/**
 * Warehouse tables (M `source` edges of dataset tables) ranked by how many reports read them:
 * report -datasetId-> dataset <-source- dataset table -> warehouse table.
 */
export const TOP_UPSTREAM_SQL = `
WITH table_edges AS (
  SELECT
    lower(concat_ws('|', upstream->>'platform', coalesce(upstream->>'server', upstream->>'database'),
                    upstream->>'qualifiedName')) AS key,
    upstream->>'platform' AS platform,
    coalesce(upstream->>'server', upstream->>'database') AS warehouse,
    upstream->>'qualifiedName' AS "table",
    lower("sourceId") AS dataset
  FROM lineage
  WHERE relation = 'source' AND "targetType" = 'external_table'
),
report_edges AS (
  SELECT DISTINCT lower("sourceId") AS report, lower("targetId") AS dataset
  FROM lineage
  WHERE relation = 'datasetId' AND "sourceType" = 'report'
)
SELECT min(platform) AS platform, min(warehouse) AS warehouse, min("table") AS "table",
       count(DISTINCT report)::INTEGER AS reports,
       count(DISTINCT t.dataset)::INTEGER AS datasets
FROM table_edges AS t LEFT JOIN report_edges AS r ON r.dataset = t.dataset
GROUP BY key
ORDER BY reports DESC, datasets DESC, "table"`;

export async function topUpstreamTables(db: Destination, limit: number): Promise<UpstreamTable[]> {
  if (!db.has('lineage')) return [];
  return db.rows<UpstreamTable>(`${TOP_UPSTREAM_SQL}\nLIMIT ${limit}`);
}
