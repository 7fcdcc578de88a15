/**
 * Layout of one warehouse panel: three columns (warehouse tables, datasets, reports/dashboards),
 * each node placed near the average height of its upstream neighbours to keep edges short.
 */
import type { ConsumerNode, GraphNode, LineageGraph, WarehouseTableNode } from './lineage-graph.js';

export const ROW = 24;

export interface Placed<T extends GraphNode> {
  node: T;
  y: number;
}

export interface PanelLayout {
  platform: string;
  warehouse: string;
  databases: string[];
  tables: Placed<WarehouseTableNode>[];
  datasets: Placed<GraphNode>[];
  consumers: Placed<ConsumerNode>[];
  feeds: [string, string][];
  uses: [string, string][];
  height: number;
  reports: number;
  dashboards: number;
}

/** Places nodes at their wished heights, in that order, at least one row apart. */
export function spread<T extends GraphNode>(wishes: { node: T; wish: number }[]): Placed<T>[] {
  const sorted = [...wishes].sort((a, b) => a.wish - b.wish || a.node.label.localeCompare(b.node.label));
  const placed: Placed<T>[] = [];
  let next = 0;
  for (const { node, wish } of sorted) {
    const y = Math.max(wish, next);
    placed.push({ node, y });
    next = y + ROW;
  }
  return placed;
}

export function wishes<T extends GraphNode>(
  nodes: T[],
  edges: [string, string][],
  upstream: Map<string, number>,
): { node: T; wish: number }[] {
  return nodes.map((node) => {
    const ys = edges.filter(([, to]) => to === node.id).map(([from]) => upstream.get(from) ?? 0);
    return { node, wish: ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0 };
  });
}

function panel(
  graph: LineageGraph,
  platform: string,
  warehouse: string,
  tables: WarehouseTableNode[],
): PanelLayout {
  const tableIds = new Set(tables.map((t) => t.id));
  const feeds = graph.feeds.filter(([table]) => tableIds.has(table));
  const datasetIds = new Set(feeds.map(([, dataset]) => dataset));
  const uses = graph.uses.filter(([dataset]) => datasetIds.has(dataset));
  const consumerIds = new Set(uses.map(([, consumer]) => consumer));
  // Tables grouped by the (alphabetically first) dataset they feed, so edges cross less.
  const datasetRank = new Map(
    graph.datasets
      .filter((d) => datasetIds.has(d.id))
      .sort((a, b) => a.label.localeCompare(b.label))
      .map((d, i) => [d.id, i]),
  );
  const firstDataset = (table: string) =>
    Math.min(...feeds.filter(([t]) => t === table).map(([, d]) => datasetRank.get(d) ?? 0));
  const databases = new Set(tables.map((t) => t.database));
  const placedTables = [...tables]
    .sort((a, b) => firstDataset(a.id) - firstDataset(b.id) || a.label.localeCompare(b.label))
    .map((node, i) => ({
      node: databases.size > 1 ? { ...node, context: node.database } : node,
      y: i * ROW,
    }));
  const tableY = new Map(placedTables.map((p) => [p.node.id, p.y]));
  const datasets = spread(
    wishes(
      graph.datasets.filter((d) => datasetIds.has(d.id)),
      feeds,
      tableY,
    ),
  );
  const datasetY = new Map(datasets.map((p) => [p.node.id, p.y]));
  const consumers = spread(
    wishes(
      graph.consumers.filter((c) => consumerIds.has(c.id)),
      uses,
      datasetY,
    ),
  );
  const bottom = Math.max(...[placedTables, datasets, consumers].map((c) => (c.at(-1)?.y ?? 0) + ROW));
  return {
    platform,
    warehouse,
    databases: [...databases].sort(),
    tables: placedTables,
    datasets,
    consumers,
    feeds,
    uses,
    height: bottom,
    reports: consumers.filter((c) => c.node.kind === 'report').length,
    dashboards: consumers.filter((c) => c.node.kind === 'dashboard').length,
  };
}

/** One panel per warehouse (platform + server), the ones feeding the most reports first. */
export function layoutPanels(graph: LineageGraph): PanelLayout[] {
  const byWarehouse = new Map<string, WarehouseTableNode[]>();
  for (const table of graph.tables) {
    const key = `${table.platform}\u0000${table.warehouse}`;
    byWarehouse.set(key, [...(byWarehouse.get(key) ?? []), table]);
  }
  return [...byWarehouse.values()]
    .map((tables) => panel(graph, tables[0]!.platform, tables[0]!.warehouse, tables))
    .sort(
      (a, b) =>
        b.reports - a.reports || b.tables.length - a.tables.length || a.warehouse.localeCompare(b.warehouse),
    );
}
