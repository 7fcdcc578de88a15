/** The boxes and edges of the lineage page's pictures (inline SVG, no scripts). */
import type { GraphNode } from './lineage-graph.js';
import type { Placed } from './lineage-layout.js';

export const BOX_HEIGHT = 18;
/** Room above the first row of a picture for the column headings. */
export const HEADER = 26;
/** 38 characters of the box font fit a 260-pixel box: labels are clipped to that. */
const CHAR_WIDTH = 260 / 38;
/** Colours of the node kinds both pictures draw. */
export const NODE_COLORS = { dataset: '#6e56cf', report: '#d9962b', dashboard: '#2a9d8f', other: '#6b7280' };

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Label, then its context in a lighter tone, clipped to the box together. */
function boxText(label: string, context: string | undefined, chars: number): string {
  const clip = (text: string, room: number) => (text.length > room ? `${text.slice(0, room - 1)}…` : text);
  const main = escapeXml(clip(label, chars));
  const room = chars - label.length - 3;
  if (!context || room < 6) return main;
  return `${main}<tspan class="ctx"> · ${escapeXml(clip(context, room))}</tspan>`;
}

/** A node's box; `dataId` marks it with its node id (data-node) for anyone reading the page. */
export function box(
  x: number,
  placed: Placed<GraphNode>,
  color: string,
  width: number,
  dataId = false,
): string {
  const y = HEADER + placed.y;
  const data = dataId ? ` data-node="${escapeXml(placed.node.id)}"` : '';
  return (
    `<g${data}><title>${escapeXml(placed.node.detail)}</title>` +
    `<rect x="${x}" y="${y}" width="${width}" height="${BOX_HEIGHT}" rx="4" fill="#fff" stroke="${color}"/>` +
    `<rect x="${x}" y="${y}" width="5" height="${BOX_HEIGHT}" rx="2" fill="${color}"/>` +
    `<text x="${x + 11}" y="${y + 13}">${boxText(placed.node.label, placed.node.context, Math.floor(width / CHAR_WIDTH))}</text></g>`
  );
}

export interface EdgeEnd {
  x: number;
  y: number;
}

/** A curve from the right side of one box to the left side of another; `data` names its ends (data-edge). */
export function edge(
  from: EdgeEnd,
  to: EdgeEnd,
  color: string,
  width: number,
  data?: [string, string],
): string {
  const [x1, y1, x2, y2] = [
    from.x + width,
    HEADER + from.y + BOX_HEIGHT / 2,
    to.x,
    HEADER + to.y + BOX_HEIGHT / 2,
  ];
  const mid = (x1 + x2) / 2;
  const attr = data ? ` data-edge="${escapeXml(`${data[0]}>${data[1]}`)}"` : '';
  return `<path${attr} d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" stroke="${color}" />`;
}
