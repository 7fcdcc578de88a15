/** The summary `npm run demo` prints on stdout. */
import path from 'node:path';
import { describeFabric, describeMutation, type DemoResult } from './run-demo.js';

function pad(text: string | number, width: number, left = false): string {
  const s = String(text);
  return left ? s.padEnd(width) : s.padStart(width);
}

function changeCell(added: number, updated: number, deleted: number): string {
  const parts = [added && `+${added}`, updated && `~${updated}`, deleted && `-${deleted}`].filter(Boolean);
  return parts.length ? parts.join(' ') : '·';
}

function fabricLines(fabric: DemoResult['fabric']): string[] {
  if (fabric.byType.length === 0) return [];
  const width = Math.max(...fabric.byType.map((t) => t.type.length)) + 2;
  return [
    '',
    `Fabric items by type (${describeFabric(fabric)}):`,
    ...fabric.byType.map((t) => `  ${pad(t.type, width, true)}${pad(t.items, 5)}`),
  ];
}

function gatewayLines(gateways: DemoResult['gateways']): string[] {
  if (gateways.length === 0) return [];
  const width = Math.max(...gateways.map((g) => g.label.length)) + 2;
  return [
    '',
    'Gateways (datasources bound to each; the current datasources rows that go through it):',
    ...gateways.map(
      (g) =>
        `  ${pad(g.label, width, true)}${pad(g.status ?? '', 6, true)}  ${pad(g.members, 2)} member(s)` +
        `  ${pad(g.bound, 4)} bound  ${pad(g.inUse.length, 4)} in use`,
    ),
  ];
}

export function formatSummary(result: DemoResult, cwd: string): string {
  const lines: string[] = [];
  const rel = (file: string) => path.relative(cwd, file) || file;
  lines.push('', `check     ${result.check.status}: ${result.check.message}`);
  lines.push(`discover  ${result.streams.length} streams`);
  const fullRecords = Object.values(result.full.records).reduce((a, b) => a + b, 0);
  const incRecords = Object.values(result.incremental.records).reduce((a, b) => a + b, 0);
  lines.push(
    `read      full: ${fullRecords} records from ${result.full.workspacesScanned} workspaces in ${result.full.seconds.toFixed(1)} s`,
  );
  lines.push(`simulator ${describeMutation(result.mutation)}`);
  lines.push(
    `read      incremental: ${incRecords} records from ${result.incremental.workspacesScanned} re-scanned workspaces in ${result.incremental.seconds.toFixed(1)} s`,
  );
  const name = Math.max(16, ...result.streams.map((stream) => stream.length + 1));
  lines.push(
    '',
    `${pad('stream', name, true)}${pad('full read', 10)}  ${pad('incremental (+added ~updated -deleted)', 40, true)}${pad('rows now', 9)}`,
  );
  for (const stream of result.streams) {
    const change = result.incremental.changes.get(stream);
    const cell = change ? changeCell(change.added, change.updated, change.deleted) : '·';
    lines.push(
      `${pad(stream, name, true)}${pad(result.full.records[stream] ?? 0, 10)}  ${pad(cell, 40, true)}${pad(result.rows.get(stream) ?? 0, 9)}`,
    );
  }
  if (result.top.length) {
    lines.push('', 'Top upstream warehouse tables by dependent reports:');
    result.top.slice(0, 5).forEach((t, i) => {
      lines.push(
        `  ${i + 1}. ${pad(t.platform, 10, true)} ${t.table}  (${t.warehouse}): ${t.reports} report(s), ${t.datasets} dataset(s)`,
      );
    });
  }
  lines.push(...fabricLines(result.fabric), ...gatewayLines(result.gateways));
  lines.push(
    '',
    `DuckDB database: ${rel(result.databaseFile)}   (one table per stream; try: SELECT * FROM lineage LIMIT 5)`,
    `Lineage picture: ${rel(result.htmlFile)}   (open it in a browser)`,
    '',
  );
  return lines.join('\n');
}
