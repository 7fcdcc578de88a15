/**
 * The lineage picture's data, read from the destination's current rows:
 * warehouse table -> dataset (M `source` edges of its tables) -> report / dashboard (datasetId edges).
 */
import type { Destination } from './destination.js';

export interface GraphNode {
  id: string;
  label: string;
  /** Shown on hover: workspace, full name, platform. */
  detail: string;
  /** Shown after the label, lighter: the workspace, or the table's database. */
  context?: string;
}

export interface WarehouseTableNode extends GraphNode {
  platform: string;
  /** Server (or BigQuery project) the table lives on: one panel of the picture per warehouse. */
  warehouse: string;
  database: string;
}

export interface ConsumerNode extends GraphNode {
  kind: 'report' | 'dashboard';
}

export interface LineageGraph {
  tables: WarehouseTableNode[];
  datasets: GraphNode[];
  consumers: ConsumerNode[];
  /** [table id, dataset id] */
  feeds: [string, string][];
  /** [dataset id, consumer id] */
  uses: [string, string][];
}

interface TableRow {
  key: string;
  platform: string;
  warehouse: string;
  label: string;
  database: string | null;
  qualified: string;
  dataset: string;
}

interface NamedRow {
  id: string;
  name: string;
  workspace: string | null;
  dataset: string;
}

const TABLES_SQL = `
SELECT DISTINCT
  lower(concat_ws('|', upstream->>'platform', coalesce(upstream->>'server', upstream->>'database'),
                  upstream->>'qualifiedName')) AS key,
  upstream->>'platform' AS platform,
  coalesce(upstream->>'server', upstream->>'database') AS warehouse,
  concat_ws('.', upstream->>'schema', upstream->>'table') AS label,
  upstream->>'database' AS database,
  upstream->>'qualifiedName' AS qualified,
  lower("sourceId") AS dataset
FROM lineage
WHERE relation = 'source' AND "targetType" = 'external_table'`;

const DATASETS_SQL = `
SELECT lower(d.id) AS id, d.name, w.name AS workspace, lower(d.id) AS dataset
FROM datasets AS d LEFT JOIN workspaces AS w ON lower(w.id) = lower(d."workspaceId")`;

const REPORTS_SQL = `
SELECT DISTINCT lower(r.id) AS id, r.name, w.name AS workspace, lower(l."targetId") AS dataset
FROM lineage AS l
JOIN reports AS r ON lower(r.id) = lower(l."sourceId")
LEFT JOIN workspaces AS w ON lower(w.id) = lower(r."workspaceId")
WHERE l.relation = 'datasetId' AND l."sourceType" = 'report'`;

const DASHBOARDS_SQL = `
SELECT DISTINCT lower(d.id) AS id, d."displayName" AS name, w.name AS workspace, lower(l."targetId") AS dataset
FROM lineage AS l
JOIN dashboards AS d ON lower(d.id) = lower(l."sourceDashboardId")
LEFT JOIN workspaces AS w ON lower(w.id) = lower(d."workspaceId")
WHERE l.relation = 'datasetId' AND l."sourceType" = 'dashboard_tile'`;

export function inWorkspace(name: string, workspace: string | null): string {
  return workspace ? `${name} (workspace ${workspace})` : name;
}

export async function readLineageGraph(db: Destination): Promise<LineageGraph> {
  const needed = ['lineage', 'datasets', 'workspaces', 'reports', 'dashboards'];
  if (!needed.every((t) => db.has(t)))
    return { tables: [], datasets: [], consumers: [], feeds: [], uses: [] };
  const tableRows = await db.rows<TableRow>(TABLES_SQL);
  const tables = new Map<string, WarehouseTableNode>();
  for (const row of tableRows) {
    tables.set(row.key, {
      id: row.key,
      label: row.label,
      detail: `${row.platform} ${row.warehouse}: ${row.qualified}`,
      platform: row.platform,
      warehouse: row.warehouse,
      database: row.database ?? '',
    });
  }
  const feeds = unique(tableRows.map((r) => [r.key, r.dataset]));
  const fed = new Set(feeds.map(([, dataset]) => dataset));
  const datasets = (await db.rows<NamedRow>(DATASETS_SQL))
    .filter((d) => fed.has(d.id))
    .map((d) => ({
      id: d.id,
      label: d.name,
      detail: inWorkspace(`dataset ${d.name}`, d.workspace),
      ...(d.workspace && { context: d.workspace }),
    }));
  const { consumers, uses } = await readConsumers(db, fed);
  return {
    tables: [...tables.values()],
    datasets: distinguished(datasets),
    consumers,
    feeds,
    uses,
  };
}

/** The reports and dashboards that read any of these datasets (lower-cased ids), with those edges. */
export async function readConsumers(
  db: Destination,
  datasets: ReadonlySet<string>,
): Promise<{ consumers: ConsumerNode[]; uses: [string, string][] }> {
  const consumers = new Map<string, ConsumerNode>();
  const uses: [string, string][] = [];
  for (const [kind, sql] of [
    ['report', REPORTS_SQL],
    ['dashboard', DASHBOARDS_SQL],
  ] as const) {
    for (const row of await db.rows<NamedRow>(sql)) {
      if (!datasets.has(row.dataset)) continue;
      consumers.set(row.id, {
        id: row.id,
        kind,
        label: row.name,
        detail: inWorkspace(`${kind} ${row.name}`, row.workspace),
        ...(row.workspace && { context: row.workspace }),
      });
      uses.push([row.dataset, row.id]);
    }
  }
  return { consumers: distinguished([...consumers.values()]), uses: unique(uses) };
}

/** Items that would show as identical boxes (same name, same workspace) get the start of their id. */
export function distinguished<T extends GraphNode>(nodes: T[]): T[] {
  const shown = (node: GraphNode) => `${node.label}\u0000${node.context ?? ''}`;
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(shown(node), (counts.get(shown(node)) ?? 0) + 1);
  return nodes.map((node) => {
    if ((counts.get(shown(node)) ?? 0) < 2) return node;
    const id = node.id.slice(0, 8);
    return {
      ...node,
      context: node.context === undefined ? `id ${id}` : `${node.context} · id ${id}`,
      detail: `${node.detail} (id ${node.id})`,
    };
  });
}

export function unique(pairs: string[][]): [string, string][] {
  const seen = new Map<string, [string, string]>();
  for (const [a, b] of pairs) seen.set(`${a}\u0000${b}`, [a!, b!]);
  return [...seen.values()];
}
