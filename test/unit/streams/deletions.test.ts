/**
 * The deletion rule of docs/streams.md, applied to a destination the way a warehouse would:
 * append + dedup on the primary key, then drop rows older than their workspace's latest scan and
 * rows of Deleted workspaces. After an incremental sync that re-scans only changed workspaces,
 * the result must equal a fresh full sync.
 */
import type { ScanResult, ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import { scanStreams } from '../../../src/streams/registry.js';
import type { ScanStreamDefinition, StreamRecord } from '../../../src/streams/stream.js';
import { collect, context, mapScan } from './map-scan.js';
import { referenceScans } from './scan-fixtures.js';

const T1 = '2026-11-01T08:00:00.000Z';
const T2 = '2026-11-02T08:00:00.000Z';
const workspaceStreams = scanStreams.filter((s) => s.fromWorkspace && s.name !== 'workspaces');

type Destination = Map<string, Map<string, StreamRecord>>;

const keyOf = (stream: ScanStreamDefinition, record: StreamRecord) =>
  JSON.stringify(stream.primaryKey.map(([field]) => record[field as string]));

async function sync(destination: Destination, result: ScanResult, scannedAt: string): Promise<void> {
  for (const stream of scanStreams) {
    const table = destination.get(stream.name) ?? new Map<string, StreamRecord>();
    for (const record of await mapScan(stream, result, context({ scannedAt })))
      table.set(keyOf(stream, record), record);
    destination.set(stream.name, table);
  }
}

/** SELECT a.* FROM a JOIN workspaces w ON w.id = a.workspaceId WHERE a.scannedAt >= w.scannedAt AND w.state <> 'Deleted' */
function currentRows(destination: Destination, streamName: string): StreamRecord[] {
  const workspaces = new Map([...destination.get('workspaces')!.values()].map((w) => [w.id, w]));
  return [...destination.get(streamName)!.values()].filter((row) => {
    const ws = workspaces.get(row.workspaceId);
    return (
      ws !== undefined && (row.scannedAt as string) >= (ws.scannedAt as string) && ws.state !== 'Deleted'
    );
  });
}

const withoutScanTime = (rows: StreamRecord[]) =>
  rows.map(({ scannedAt: _ignored, ...rest }) => JSON.stringify(rest)).sort();

/** How many kinds of artifact a workspace holds (reports, tables, tiles, dataset users…). */
function variety(ws: ScanWorkspace): number {
  const datasets = ws.datasets ?? [];
  return [
    ws.reports?.length,
    datasets.length,
    datasets.some((d) => (d.tables?.length ?? 0) > 1),
    datasets.some((d) => d.users?.length),
    ws.dashboards?.some((d) => d.tiles?.length),
    ws.users?.length,
  ].filter(Boolean).length;
}

/**
 * The scan after a day: the most varied active workspace is deleted, the next one loses a report,
 * a table, its dataset's app users and a tile, and gains a report. `rescanned` is what an
 * incremental scan returns: the two changed workspaces only.
 */
function mutate(scan: ScanResult): { changed: ScanResult; rescanned: ScanResult; deletedId: string } {
  const changed = structuredClone(scan);
  const [deleted, edited] = changed
    .workspaces!.filter((w) => w.state === 'Active')
    .sort((a, b) => variety(b) - variety(a));
  const model = edited!.datasets!.find((d) => (d.tables?.length ?? 0) > 1)!;
  edited!.reports = edited!.reports!.slice(1);
  edited!.reports.push({
    id: '0e0e0e0e-0000-4000-8000-000000000001',
    name: 'New report',
    datasetId: model.id,
  });
  model.tables = model.tables!.slice(1);
  model.users = model.users?.filter((u) => u.principalType !== 'App');
  edited!.dashboards?.find((d) => d.tiles?.length)?.tiles!.pop();
  Object.assign(deleted!, { state: 'Deleted', reports: [], datasets: [], dashboards: [], users: [] });
  return { changed, rescanned: { workspaces: [edited!, deleted!] }, deletedId: deleted!.id };
}

describe.each(referenceScans().map((f) => [f.label, f.result] as const))(
  'deletions through scannedAt and workspace state, over the %s',
  (_label, sample) => {
    const { changed, rescanned, deletedId } = mutate(sample);
    const incremental: Destination = new Map();
    const fresh: Destination = new Map();
    beforeAll(async () => {
      await sync(incremental, sample, T1);
      await sync(incremental, rescanned, T2);
      await sync(fresh, changed, T2);
    });

    it.each(workspaceStreams.map((s) => [s.name]))(
      '%s: full ∪ incremental, with the rule applied, equals a fresh full sync',
      (name) => {
        expect(withoutScanTime(currentRows(incremental, name))).toEqual(
          withoutScanTime(currentRows(fresh, name)),
        );
      },
    );

    const changedStreams = [
      'reports',
      'datasets',
      'tables',
      'columns',
      'artifact_access',
      'dashboard_tiles',
      'lineage',
    ];
    it.each(changedStreams.map((name) => [name]))(
      '%s: the incremental destination did hold stale rows',
      (name) => {
        expect(incremental.get(name)!.size - currentRows(incremental, name).length).toBeGreaterThan(0);
      },
    );

    it('keeps the deleted workspace itself, with its state and latest scan time', () => {
      const deleted = incremental.get('workspaces')!.get(JSON.stringify([deletedId]));
      expect(deleted).toMatchObject({ state: 'Deleted', scannedAt: T2 });
    });

    it('maps a Deleted workspace of a scan to its workspace record only', async () => {
      const deleted = sample.workspaces!.find((w) => w.state === 'Deleted')!;
      for (const stream of scanStreams.filter((s) => s.fromWorkspace)) {
        const records = await collect(stream.fromWorkspace!(deleted, context()));
        expect([stream.name, records.length]).toEqual([stream.name, stream.name === 'workspaces' ? 1 : 0]);
      }
    });
  },
);
