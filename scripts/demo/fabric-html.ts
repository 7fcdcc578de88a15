/**
 * The Fabric and gateway sections of the lineage page: Fabric items by type, a picture of
 * lakehouse -> SQL endpoint -> table -> Direct Lake model -> report (boxes and edges carry their
 * ids as data-node / data-edge), and a table of gateways with the datasources going through them.
 */
import type { FabricGraph, FabricItemNode, FabricTypeCount } from './fabric-graph.js';
import { layoutFabric, type FabricColumn } from './fabric-layout.js';
import type { GatewaySummary } from './gateway-insights.js';
import type { ConsumerNode, GraphNode } from './lineage-graph.js';
import { box, edge, escapeXml, HEADER, NODE_COLORS } from './svg-boxes.js';

const BOX_WIDTH = 230;
const GAP = 60;
const LISTED = 12;

const ITEM_COLORS: Readonly<Record<string, string>> = {
  Lakehouse: '#0f766e',
  Eventhouse: '#b45309',
  SQLAnalyticsEndpoint: '#2563eb',
  Warehouse: '#7c3aed',
  KQLDatabase: '#c2410c',
};
const TABLE_COLOR = '#64748b';

function nodeColor(column: FabricColumn, node: GraphNode): string {
  switch (column.layer) {
    case 'stores':
    case 'endpoints':
      return ITEM_COLORS[(node as FabricItemNode).type ?? ''] ?? NODE_COLORS.other;
    case 'tables':
      return TABLE_COLOR;
    case 'models':
      return NODE_COLORS.dataset;
    case 'consumers':
      return NODE_COLORS[(node as ConsumerNode).kind];
  }
}

function fabricSvg(graph: FabricGraph): string {
  const layout = layoutFabric(graph);
  const at = new Map<string, { x: number; y: number; color: string }>();
  const nodes: string[] = [];
  const heads: string[] = [];
  layout.columns.forEach((column, i) => {
    const x = 10 + i * (BOX_WIDTH + GAP);
    heads.push(`<text class="head" x="${x}" y="14">${escapeXml(column.head)}</text>`);
    for (const placed of column.nodes) {
      const color = nodeColor(column, placed.node);
      at.set(placed.node.id, { x, y: placed.y, color });
      nodes.push(box(x, placed, color, BOX_WIDTH, true));
    }
  });
  const edges = layout.edges.map(([from, to]) => {
    const [a, b] = [at.get(from)!, at.get(to)!];
    return edge(a, b, a.color, BOX_WIDTH, [from, to]);
  });
  const width = 10 + layout.columns.length * (BOX_WIDTH + GAP) - GAP + 10;
  const height = HEADER + layout.height + 4;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `${heads.join('')}<g class="edges">${edges.join('')}</g>${nodes.join('')}</svg>`
  );
}

function typeCounts(types: FabricTypeCount[]): string {
  const total = types.reduce((sum, t) => sum + t.items, 0);
  const list = types.map((t) => `${t.items} ${escapeXml(t.type)}`).join(' · ');
  return `<p class="counts" id="fabric-types">${total} Fabric item${total === 1 ? '' : 's'}: ${list}</p>`;
}

export function fabricSection(graph: FabricGraph, types: FabricTypeCount[]): string {
  if (types.length === 0) return '';
  const drawn = graph.stores.length + graph.endpoints.length > 0;
  return (
    `<h2 id="fabric">Fabric items and Direct Lake</h2>${typeCounts(types)}` +
    `<p class="muted">Lakehouses and eventhouses → the SQL analytics endpoints, warehouses and KQL databases ` +
    `on them (the scan's relations) → the tables Direct Lake semantic models read → those models → their ` +
    `reports (from the fabric_items and lineage streams). Notebooks, pipelines and other item types are ` +
    `counted above, not drawn.</p>` +
    (drawn ? `<section>${fabricSvg(graph)}</section>` : '')
  );
}

function inUseCell(labels: string[]): string {
  if (labels.length === 0) return '<td><span class="muted">none</span></td>';
  const more =
    labels.length > LISTED ? `<br><span class="muted">and ${labels.length - LISTED} more</span>` : '';
  return `<td>${labels.slice(0, LISTED).map(escapeXml).join('<br>')}${more}</td>`;
}

export function gatewaySection(gateways: GatewaySummary[]): string {
  if (gateways.length === 0) return '';
  const rows = gateways
    .map(
      (g) =>
        `<tr data-gateway="${escapeXml(g.id)}"><td>${escapeXml(g.label)}</td><td>${escapeXml(g.status ?? '')}</td>` +
        `<td class="n">${g.members}</td><td class="n">${g.bound}</td>${inUseCell(g.inUse)}</tr>`,
    )
    .join('');
  return (
    `<h2 id="gateways">Gateways</h2><p class="muted">On-premises data gateways (the gateways stream): ` +
    `datasources bound counts those of the gateway row (scan and gateway API) and the current ` +
    `datasources rows naming the gateway; the last column lists those rows. Each warehouse panel below ` +
    `names the gateway its datasources go through.</p><table><thead><tr><th>gateway</th><th>status</th><th class="n">members</th>` +
    `<th class="n">datasources bound</th><th>datasources in use (type server/database)</th></tr></thead>` +
    `<tbody>${rows}</tbody></table>`
  );
}
