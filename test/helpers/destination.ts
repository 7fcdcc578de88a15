/**
 * What a destination holds after applying connector output with Append + Deduped and the documented
 * deletion rule (docs/streams.md): the latest row per primary key wins; a row older than its
 * workspace's latest scan, or of a deleted workspace, is gone; datasources are current while a
 * current lineage edge points at them.
 */
export type Row = Record<string, unknown>;
export type View = Map<string, Map<string, Row>>;

export interface CatalogKeys {
  [stream: string]: string[][];
}

function keyOf(row: Row, primaryKey: string[][]): string {
  return JSON.stringify(primaryKey.map((path) => row[path[0]!]));
}

/** Applies one read's RECORD messages to the raw (deduped, not yet deletion-filtered) tables. */
export function applyRecords(tables: View, messages: Record<string, unknown>[], keys: CatalogKeys): void {
  for (const message of messages) {
    if (message.type !== 'RECORD') continue;
    const { stream, data } = message.record as { stream: string; data: Row };
    const table = tables.get(stream) ?? new Map<string, Row>();
    tables.set(stream, table);
    const key = keyOf(data, keys[stream]!);
    const existing = table.get(key);
    if (!existing || String(existing.scannedAt) <= String(data.scannedAt)) table.set(key, data);
  }
}

/** The current rows per stream, with `scannedAt` dropped so views of different syncs compare equal. */
export function currentView(tables: View): Map<string, Map<string, Row>> {
  const workspaces = tables.get('workspaces') ?? new Map<string, Row>();
  const latestScan = new Map<string, { scannedAt: string; deleted: boolean }>();
  for (const ws of workspaces.values()) {
    latestScan.set(String(ws.id), { scannedAt: String(ws.scannedAt), deleted: ws.state === 'Deleted' });
  }
  const isCurrent = (row: Row): boolean => {
    const ws = latestScan.get(String(row.workspaceId));
    return ws !== undefined && !ws.deleted && String(row.scannedAt) >= ws.scannedAt;
  };
  const view = new Map<string, Map<string, Row>>();
  for (const [stream, table] of tables) {
    if (stream === 'datasources' || stream === 'workspaces') continue;
    view.set(stream, filterRows(table, isCurrent));
  }
  view.set(
    'workspaces',
    filterRows(workspaces, () => true),
  );
  const lineage = view.get('lineage');
  const datasources = tables.get('datasources');
  if (datasources && lineage) {
    const referenced = new Set(
      [...lineage.values()].filter((e) => e.targetType === 'datasource').map((e) => String(e.targetId)),
    );
    view.set(
      'datasources',
      filterRows(datasources, (row) => referenced.has(String(row.datasourceId))),
    );
  }
  return view;
}

function filterRows(table: Map<string, Row>, keep: (row: Row) => boolean): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const [key, row] of table) {
    if (!keep(row)) continue;
    const { scannedAt: _scannedAt, ...rest } = row;
    out.set(key, rest);
  }
  return out;
}

/** A readable difference between two views (first few keys per stream), empty when equal. */
export function diffViews(actual: View, expected: View): string[] {
  const problems: string[] = [];
  const streams = new Set([...actual.keys(), ...expected.keys()]);
  for (const stream of streams) {
    const a = actual.get(stream) ?? new Map<string, Row>();
    const e = expected.get(stream) ?? new Map<string, Row>();
    const missing = [...e.keys()].filter((k) => !a.has(k));
    const extra = [...a.keys()].filter((k) => !e.has(k));
    const changed = [...e.keys()].filter(
      (k) => a.has(k) && JSON.stringify(a.get(k)) !== JSON.stringify(e.get(k)),
    );
    if (missing.length + extra.length + changed.length > 0) {
      problems.push(
        `${stream}: ${missing.length} missing ${missing.slice(0, 2).join(' ')}; ${extra.length} extra ${extra.slice(0, 2).join(' ')}; ${changed.length} changed ${changed.slice(0, 2).join(' ')}`,
      );
    }
  }
  return problems;
}
