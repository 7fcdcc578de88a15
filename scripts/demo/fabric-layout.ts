/**
 * Layout of the Fabric panel: one column per layer (stores, endpoints, tables, models, reports),
 * each node near the average height of its upstream neighbours; nodes nothing upstream points at
 * go below the linked ones, those with the most downstream first (short edges), then by workspace.
 */
import type { FabricGraph } from './fabric-graph.js';
import type { GraphNode } from './lineage-graph.js';
import { ROW, spread, wishes, type Placed } from './lineage-layout.js';

export type FabricLayer = 'stores' | 'endpoints' | 'tables' | 'models' | 'consumers';

export interface FabricColumn {
  layer: FabricLayer;
  head: string;
  nodes: Placed<GraphNode>[];
}

export interface FabricLayout {
  columns: FabricColumn[];
  /** Edges between placed nodes, [from, to]. */
  edges: [string, string][];
  height: number;
}

/** How many nodes depend on this one, directly or not. */
function downstreamCount(id: string, edges: [string, string][]): number {
  const seen = new Set<string>();
  const queue = [id];
  for (let next = queue.pop(); next !== undefined; next = queue.pop())
    for (const [from, to] of edges)
      if (from === next && !seen.has(to)) {
        seen.add(to);
        queue.push(to);
      }
  return seen.size;
}

function placeColumn(
  nodes: GraphNode[],
  edges: [string, string][],
  placedY: Map<string, number>,
): Placed<GraphNode>[] {
  const linked = new Set(edges.filter(([from]) => placedY.has(from)).map(([, to]) => to));
  const withUpstream = spread(
    wishes(
      nodes.filter((n) => linked.has(n.id)),
      edges.filter(([from]) => placedY.has(from)),
      placedY,
    ),
  );
  let next = (withUpstream.at(-1)?.y ?? -ROW) + ROW;
  const reach = new Map(nodes.map((n) => [n.id, downstreamCount(n.id, edges)]));
  const rest = nodes
    .filter((n) => !linked.has(n.id))
    .sort(
      (a, b) =>
        reach.get(b.id)! - reach.get(a.id)! ||
        (a.context ?? '').localeCompare(b.context ?? '') ||
        a.label.localeCompare(b.label),
    )
    .map((node) => {
      const placed = { node, y: next };
      next += ROW;
      return placed;
    });
  return [...withUpstream, ...rest];
}

export function layoutFabric(graph: FabricGraph): FabricLayout {
  const layers: [FabricLayer, string, GraphNode[]][] = [
    ['stores', 'Lakehouses and eventhouses', graph.stores],
    ['endpoints', 'Endpoints, warehouses, KQL DBs', graph.endpoints],
    ['tables', 'Tables read in Direct Lake mode', graph.tables],
    ['models', 'Semantic models', graph.models],
    ['consumers', 'Reports and dashboards', graph.consumers],
  ];
  const placedY = new Map<string, number>();
  const columns: FabricColumn[] = [];
  for (const [layer, head, nodes] of layers) {
    if (nodes.length === 0) continue;
    const placed = placeColumn(nodes, graph.edges, placedY);
    for (const p of placed) placedY.set(p.node.id, p.y);
    columns.push({ layer, head, nodes: placed });
  }
  const edges = graph.edges.filter(([from, to]) => placedY.has(from) && placedY.has(to));
  const height = Math.max(0, ...columns.map((c) => Math.max(...c.nodes.map((p) => p.y)) + ROW));
  return { columns, edges, height };
}
