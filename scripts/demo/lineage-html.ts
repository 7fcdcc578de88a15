/**
 * The lineage picture: a self-contained HTML page (inline CSS and SVG, no scripts, no external
 * assets) with one panel per warehouse: warehouse tables -> datasets -> reports and dashboards.
 */
import type { WarehouseColumns } from './column-view.js';
import type { UpstreamTable } from './insights.js';
import type { LineageGraph } from './lineage-graph.js';
import { layoutPanels, type PanelLayout, type Placed } from './lineage-layout.js';
import type { GraphNode } from './lineage-graph.js';
import type { FabricGraph, FabricTypeCount } from './fabric-graph.js';
import { fabricSection, gatewaySection } from './fabric-html.js';
import {
  gatewaysOfWarehouse,
  type DatasourceGateway,
  type GatewaySummary,
  type WarehouseGateways,
} from './gateway-insights.js';
import { box, edge, escapeXml, HEADER, NODE_COLORS } from './svg-boxes.js';

const BOX_WIDTH = 260;
const GAP = 150;
const X = { tables: 10, datasets: 10 + BOX_WIDTH + GAP, consumers: 10 + 2 * (BOX_WIDTH + GAP) };
const WIDTH = X.consumers + BOX_WIDTH + 10;

const PLATFORM_COLORS: Record<string, string> = {
  snowflake: '#1e9fd4',
  sqlserver: '#b8322b',
  bigquery: '#3b78e7',
  postgres: '#336791',
  mysql: '#00758f',
  databricks: '#e5482e',
  oracle: '#8d5a2b',
  redshift: '#7b4fd6',
};
const COLORS = NODE_COLORS;

export interface PageInfo {
  title: string;
  subtitle: string;
  top: UpstreamTable[];
  /** The column view: warehouse tables with the model columns, measures and reports their columns feed. */
  columns?: WarehouseColumns[];
  fabric?: { graph: FabricGraph; types: FabricTypeCount[] };
  gateways?: GatewaySummary[];
  /** Which datasets use which gateway for which connection: each warehouse panel names its gateways. */
  datasourceGateways?: DatasourceGateway[];
}

function platformColor(platform: string): string {
  return PLATFORM_COLORS[platform.toLowerCase()] ?? COLORS.other;
}

function panelSvg(panel: PanelLayout): string {
  const y = (list: Placed<GraphNode>[]) => new Map(list.map((p) => [p.node.id, p.y]));
  const [tableY, datasetY, consumerY] = [y(panel.tables), y(panel.datasets), y(panel.consumers)];
  const color = platformColor(panel.platform);
  const edges = [
    ...panel.feeds.map(([t, d]) =>
      edge({ x: X.tables, y: tableY.get(t)! }, { x: X.datasets, y: datasetY.get(d)! }, color, BOX_WIDTH),
    ),
    ...panel.uses.map(([d, c]) =>
      edge(
        { x: X.datasets, y: datasetY.get(d)! },
        { x: X.consumers, y: consumerY.get(c)! },
        COLORS.dataset,
        BOX_WIDTH,
      ),
    ),
  ];
  const nodes = [
    ...panel.tables.map((p) => box(X.tables, p, color, BOX_WIDTH)),
    ...panel.datasets.map((p) => box(X.datasets, p, COLORS.dataset, BOX_WIDTH)),
    ...panel.consumers.map((p) => box(X.consumers, p, COLORS[p.node.kind], BOX_WIDTH)),
  ];
  const heads = [
    [X.tables, 'Warehouse tables'],
    [X.datasets, 'Datasets (semantic models)'],
    [X.consumers, 'Reports and dashboards'],
  ]
    .map(([x, text]) => `<text class="head" x="${x}" y="14">${text}</text>`)
    .join('');
  const height = HEADER + panel.height + 4;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">` +
    `${heads}<g class="edges">${edges.join('')}</g>${nodes.join('')}</svg>`
  );
}

/** How the panel's datasources connect: through which gateways, or directly; nothing when unknown. */
function throughGateways({ names, direct }: WarehouseGateways): string {
  if (names.length === 0) return direct ? ' · no gateway (direct connection)' : '';
  const through = ` · through gateway${names.length > 1 ? 's' : ''} ${names.join(', ')}`;
  return direct ? `${through} (and directly)` : through;
}

function panelSection(panel: PanelLayout, index: number, gateways: WarehouseGateways): string {
  const counts = [
    `${panel.tables.length} table${panel.tables.length === 1 ? '' : 's'}`,
    `${panel.datasets.length} dataset${panel.datasets.length === 1 ? '' : 's'}`,
    `${panel.reports} report${panel.reports === 1 ? '' : 's'}`,
    `${panel.dashboards} dashboard${panel.dashboards === 1 ? '' : 's'}`,
  ].join(' · ');
  const databases = panel.databases.filter(Boolean);
  const where = databases.length
    ? ` · database${databases.length > 1 ? 's' : ''} ${databases.join(', ')}`
    : '';
  return (
    `<section id="w${index}"><h2><span class="chip" style="background:${platformColor(panel.platform)}">` +
    `${escapeXml(panel.platform)}</span> ${escapeXml(panel.warehouse)}</h2>` +
    `<p class="counts">${counts}${escapeXml(where + throughGateways(gateways))}</p>${panelSvg(panel)}</section>`
  );
}

function topList(top: UpstreamTable[]): string {
  if (top.length === 0) return '';
  const rows = top
    .map(
      (t) =>
        `<tr><td><span class="chip" style="background:${platformColor(t.platform)}">${escapeXml(t.platform)}</span></td>` +
        `<td>${escapeXml(t.table)}</td><td class="muted">${escapeXml(t.warehouse)}</td>` +
        `<td class="n">${t.datasets}</td><td class="n">${t.reports}</td></tr>`,
    )
    .join('');
  return (
    `<h2>Most depended-on warehouse tables</h2><table><thead><tr><th>platform</th><th>table</th>` +
    `<th>warehouse</th><th class="n">datasets</th><th class="n">reports</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}

const LISTED = 6;

function listCell(values: string[]): string {
  const shown = values.slice(0, LISTED).map(escapeXml).join('<br>');
  const more =
    values.length > LISTED ? `<br><span class="muted">and ${values.length - LISTED} more</span>` : '';
  return `<td>${shown || '<span class="muted">none</span>'}${more}</td>`;
}

/** One collapsible block per warehouse table (no scripts): open one to see where its columns go. */
function columnSection(tables: WarehouseColumns[] | undefined): string {
  if (tables === undefined || tables.length === 0) return '';
  const blocks = tables.map((table) => {
    const rows = table.columns
      .map(
        (use) =>
          `<tr><td>${escapeXml(use.column)}</td>${listCell(use.modelColumns)}${listCell(use.measures)}${listCell(use.reports)}${listCell(use.visuals)}</tr>`,
      )
      .join('');
    return (
      `<details><summary><span class="chip" style="background:${platformColor(table.platform)}">` +
      `${escapeXml(table.platform)}</span> ${escapeXml(table.table)} <span class="muted">· ` +
      `${table.columns.length} column${table.columns.length === 1 ? '' : 's'} used</span></summary>` +
      `<table><thead><tr><th>warehouse column</th><th>model columns (dataset / table[column])</th>` +
      `<th>measures and calculated columns reading them</th><th>reports on the dataset</th>` +
      `<th>visuals showing them (report / page / visual)</th></tr></thead>` +
      `<tbody>${rows}</tbody></table></details>`
    );
  });
  return (
    `<h2>Column lineage</h2><p class="muted">Open a warehouse table to see which of its columns feed which ` +
    `model columns, which measures read them, which reports use those datasets and which visuals ` +
    `show them (from the column_lineage, lineage and report_visuals streams).</p>${blocks.join('\n')}`
  );
}

function legend(): string {
  const item = (color: string, text: string) => `<span><i style="border-color:${color}"></i>${text}</span>`;
  return (
    `<p class="legend">${item(COLORS.dataset, 'dataset')}${item(COLORS.report, 'report')}` +
    `${item(COLORS.dashboard, 'dashboard')} · warehouse tables take their platform's colour · ` +
    `hover a box for its workspace and full name · data flows left to right</p>`
  );
}

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1f2937;background:#f8fafc}
h1{margin:0 0 4px}h2{font-size:17px;margin:28px 0 4px}.sub,.muted,.counts{color:#6b7280}
.counts{margin:0 0 8px}section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:4px 16px 12px;margin:16px 0;overflow-x:auto}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#111827}
svg text.head{font-weight:600;fill:#6b7280}svg tspan.ctx{fill:#9ca3af}svg .edges path{fill:none;stroke-width:1.4;opacity:.45}
.chip{display:inline-block;color:#fff;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600}
table{border-collapse:collapse;background:#fff}td,th{padding:3px 10px;border-bottom:1px solid #e5e7eb;text-align:left}
.n{text-align:right}.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;border:2px solid;border-radius:3px;margin-right:4px;vertical-align:-1px}
nav a{margin-right:12px;white-space:nowrap}details{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:6px 12px;margin:8px 0}
summary{cursor:pointer}details table{margin-top:8px}td{vertical-align:top}`;

export function renderLineageHtml(graph: LineageGraph, info: PageInfo): string {
  const panels = layoutPanels(graph);
  const nav = panels
    .map((p, i) => `<a href="#w${i}">${escapeXml(p.platform)} ${escapeXml(p.warehouse)}</a>`)
    .join(' ');
  const gatewaysOf = (panel: PanelLayout) =>
    gatewaysOfWarehouse(
      info.datasourceGateways ?? [],
      info.gateways ?? [],
      panel.warehouse,
      new Set(panel.datasets.map((d) => d.node.id)),
    );
  const body = panels.length
    ? panels.map((panel, i) => panelSection(panel, i, gatewaysOf(panel))).join('\n')
    : '<p>No warehouse-table lineage was found in the current rows.</p>';
  const fabric = info.fabric ? fabricSection(info.fabric.graph, info.fabric.types) : '';
  const gateways = gatewaySection(info.gateways ?? []);
  const contents = [
    ...(fabric ? ['<a href="#fabric">Fabric items and Direct Lake</a>'] : []),
    ...(gateways ? ['<a href="#gateways">Gateways</a>'] : []),
    '<a href="#warehouses">Lineage by warehouse</a>',
  ].join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><h1>${escapeXml(info.title)}</h1><p class="sub">${escapeXml(info.subtitle)}</p>
<nav>${contents}</nav>
${topList(info.top)}
${columnSection(info.columns)}
${fabric}
${gateways}
<h2 id="warehouses">Lineage by warehouse</h2>${legend()}<nav>${nav}</nav>
${body}
</body></html>
`;
}
