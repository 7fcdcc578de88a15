/**
 * The Fabric part of the lineage page, read from the destination's current rows: lakehouses and
 * eventhouses -> the SQL endpoints, warehouses and KQL databases on them (`relations` edges) ->
 * the tables Direct Lake models read (`directLake` edges) -> those models -> their reports.
 */
import type { Destination } from './destination.js';
import {
  distinguished,
  inWorkspace,
  readConsumers,
  unique,
  type ConsumerNode,
  type GraphNode,
} from './lineage-graph.js';

export interface FabricItemNode extends GraphNode {
  /** The fabric_items type (Lakehouse, SQLAnalyticsEndpoint, ...), or null for an item not in fabric_items. */
  type: string | null;
}

export interface FabricGraph {
  /** Lakehouses, eventhouses and other items others are built on. */
  stores: FabricItemNode[];
  /** SQL analytics endpoints, warehouses, KQL databases: what models and users query. */
  endpoints: FabricItemNode[];
  /** Endpoint or warehouse tables read by Direct Lake models (id: the edge's qualifiedName). */
  tables: GraphNode[];
  models: GraphNode[];
  consumers: ConsumerNode[];
  /** [from, to] in the direction data flows. */
  edges: [string, string][];
}

export interface FabricTypeCount {
  type: string;
  items: number;
}

/** The item types drawn on the page; other types (notebooks, pipelines, ...) are only counted. */
const TYPE_LABELS: Readonly<Record<string, string>> = {
  Lakehouse: 'Lakehouse',
  Eventhouse: 'Eventhouse',
  SQLAnalyticsEndpoint: 'SQL endpoint',
  Warehouse: 'Warehouse',
  KQLDatabase: 'KQL database',
};
const ENDPOINT_TYPES = new Set(['SQLAnalyticsEndpoint', 'Warehouse', 'KQLDatabase']);

interface ItemRow {
  id: string;
  type: string;
  name: string | null;
  workspace: string | null;
}

interface RelationRow {
  sourceType: string;
  source: string;
  target: string;
}

interface DirectLakeRow {
  dataset: string;
  item: string;
  server: string | null;
  label: string;
  qualified: string;
  assumed: boolean;
}

interface ModelRow {
  id: string;
  name: string;
  workspace: string | null;
}

const ITEMS_SQL = `
SELECT lower(f.id) AS id, f.type, f.name, w.name AS workspace
FROM fabric_items AS f LEFT JOIN workspaces AS w ON lower(w.id) = lower(f."workspaceId")`;

const RELATIONS_SQL = `
SELECT DISTINCT "sourceType", lower("sourceId") AS source, lower("targetId") AS target
FROM lineage WHERE relation = 'relations' AND "targetType" = 'fabric_item'`;

const DIRECT_LAKE_SQL = `
SELECT DISTINCT lower("sourceId") AS dataset, lower("targetId") AS item, upstream->>'server' AS server,
       concat_ws('.', upstream->>'schema', upstream->>'table') AS label,
       lower(upstream->>'qualifiedName') AS qualified,
       coalesce(contains(diagnostics::VARCHAR, 'entity_name_assumed'), false) AS assumed
FROM lineage WHERE relation = 'directLake' AND "targetId" IS NOT NULL`;

const MODELS_SQL = `
SELECT lower(d.id) AS id, d.name, w.name AS workspace
FROM datasets AS d LEFT JOIN workspaces AS w ON lower(w.id) = lower(d."workspaceId")`;

const BY_TYPE_SQL = `
SELECT type, count(*)::INTEGER AS items FROM fabric_items GROUP BY type ORDER BY items DESC, type`;

const EMPTY: FabricGraph = { stores: [], endpoints: [], tables: [], models: [], consumers: [], edges: [] };

export async function fabricItemsByType(db: Destination): Promise<FabricTypeCount[]> {
  return db.has('fabric_items') ? db.rows<FabricTypeCount>(BY_TYPE_SQL) : [];
}

function itemNode(id: string, item: ItemRow | undefined): FabricItemNode {
  if (!item)
    return { id, type: null, label: `Fabric item ${id.slice(0, 8)}`, detail: `${id} (not in fabric_items)` };
  const typeLabel = TYPE_LABELS[item.type] ?? item.type;
  const name = item.name ?? id;
  return {
    id,
    type: item.type,
    label: `${typeLabel} ${name}`,
    detail: inWorkspace(`${typeLabel} ${name}`, item.workspace),
    ...(item.workspace && { context: item.workspace }),
  };
}

export async function readFabricGraph(db: Destination): Promise<FabricGraph> {
  const needed = ['fabric_items', 'lineage', 'datasets', 'workspaces', 'reports', 'dashboards'];
  if (!needed.every((t) => db.has(t))) return EMPTY;
  const items = new Map((await db.rows<ItemRow>(ITEMS_SQL)).map((row) => [row.id, row]));
  const relations = await db.rows<RelationRow>(RELATIONS_SQL);
  const directLake = await db.rows<DirectLakeRow>(DIRECT_LAKE_SQL);
  const itemRelations = relations.filter((r) => r.sourceType === 'fabric_item');
  const modelRelations = relations.filter((r) => r.sourceType === 'dataset');

  // An item something is built on is a store; one that is built on another or read by a model is an endpoint.
  const endpointIds = new Set([
    ...[...items.values()].filter((i) => ENDPOINT_TYPES.has(i.type)).map((i) => i.id),
    ...itemRelations.map((r) => r.source),
    ...modelRelations.map((r) => r.target),
    ...directLake.map((r) => r.item),
  ]);
  const drawn = new Set([
    ...[...items.values()].filter((i) => TYPE_LABELS[i.type] !== undefined).map((i) => i.id),
    ...itemRelations.flatMap((r) => [r.source, r.target]),
    ...endpointIds,
  ]);
  const nodes = [...drawn].map((id) => itemNode(id, items.get(id)));
  const tables = new Map<string, GraphNode>();
  for (const row of directLake) {
    const on = itemNode(row.item, items.get(row.item));
    const assumed = row.assumed ? ' (entity assumed: the model table name in dbo)' : '';
    tables.set(row.qualified, {
      id: row.qualified,
      label: row.label,
      context: items.get(row.item)?.name ?? row.item.slice(0, 8),
      detail: `table ${row.label} of ${on.label}${row.server ? ` (${row.server})` : ''}${assumed}`,
    });
  }
  const modelIds = new Set([...modelRelations.map((r) => r.source), ...directLake.map((r) => r.dataset)]);
  const models = (await db.rows<ModelRow>(MODELS_SQL))
    .filter((m) => modelIds.has(m.id))
    .map((m) => ({
      id: m.id,
      label: m.name,
      detail: inWorkspace(`semantic model ${m.name}`, m.workspace),
      ...(m.workspace && { context: m.workspace }),
    }));
  const { consumers, uses } = await readConsumers(db, modelIds);
  const readThroughTables = new Set(directLake.map((r) => `${r.item}\u0000${r.dataset}`));
  const edges = unique([
    ...itemRelations.map((r) => [r.target, r.source]),
    ...directLake.flatMap((r) => [
      [r.item, r.qualified],
      [r.qualified, r.dataset],
    ]),
    // A model on an endpoint whose tables are not known (lineage off, no Direct Lake tables): item -> model.
    ...modelRelations
      .filter((r) => !readThroughTables.has(`${r.target}\u0000${r.source}`))
      .map((r) => [r.target, r.source]),
    ...uses,
  ]);
  return {
    stores: distinguished(nodes.filter((n) => !endpointIds.has(n.id))),
    endpoints: distinguished(nodes.filter((n) => endpointIds.has(n.id))),
    tables: [...tables.values()],
    models: distinguished(models),
    consumers,
    edges,
  };
}

/** How many models read how many tables in Direct Lake mode, on how many endpoints or warehouses. */
export function directLakeCounts(graph: FabricGraph): { models: number; tables: number; endpoints: number } {
  const tables = new Set(graph.tables.map((t) => t.id));
  const from = (ids: Set<string>, side: 0 | 1) =>
    new Set(graph.edges.filter((e) => ids.has(e[side])).map((e) => e[side === 0 ? 1 : 0]));
  return { models: from(tables, 0).size, tables: tables.size, endpoints: from(tables, 1).size };
}
