/**
 * The streams over the simulator's generated tenant: every record validates, keys are unique,
 * every artifact the tenant holds appears exactly once per stream (compared with the tenant's own
 * counts), and after the tenant mutates, re-mapping only the changed workspaces and applying the
 * deletion rule of docs/streams.md gives the same destination view as a fresh full mapping.
 */
import { Tenant } from '../../../simulator/tenant/tenant.js';
import type { ScanResult, ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import { scanStreams } from '../../../src/streams/registry.js';
import type { ScanStreamDefinition, StreamRecord } from '../../../src/streams/stream.js';
import { context, mapScan, scanStream } from './map-scan.js';
import { schemaErrors } from './record-validator.js';

const START = Date.parse('2026-11-28T09:00:00Z');
const WORKSPACES = 60;

function newTenant(): Tenant {
  return new Tenant({
    seed: 7,
    workspaces: WORKSPACES,
    startMs: START,
    emailDomain: 'contoso.com',
    scannerApp: { clientId: '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90', displayName: 'Scanner' },
  });
}

/** What one scan of these workspaces returns (all getInfo flags on). */
function scan(tenant: Tenant, ids: string[]): ScanResult {
  const result = {
    workspaces: [] as ScanWorkspace[],
    datasourceInstances: [],
    misconfiguredDatasourceInstances: [],
  };
  for (const id of ids) {
    const ws = tenant.workspace(id);
    if (ws) result.workspaces.push(ws as unknown as ScanWorkspace);
  }
  return result;
}

const keyOf = (stream: ScanStreamDefinition, record: StreamRecord) =>
  JSON.stringify(stream.primaryKey.map(([field]) => record[field as string]));

type Destination = Map<string, Map<string, StreamRecord>>;

async function syncInto(destination: Destination, result: ScanResult, scannedAt: string) {
  for (const stream of scanStreams.filter((s) => s.fromWorkspace)) {
    const table = destination.get(stream.name) ?? new Map<string, StreamRecord>();
    for (const record of await mapScan(stream, result, context({ scannedAt })))
      table.set(keyOf(stream, record), record);
    destination.set(stream.name, table);
  }
}

function currentView(destination: Destination, name: string): string[] {
  const workspaces = new Map([...destination.get('workspaces')!.values()].map((w) => [w.id, w]));
  return [...destination.get(name)!.values()]
    .filter((row) => {
      const ws = workspaces.get(row.workspaceId);
      return (
        ws !== undefined && (row.scannedAt as string) >= (ws.scannedAt as string) && ws.state !== 'Deleted'
      );
    })
    .map(({ scannedAt: _ignored, ...rest }) => JSON.stringify(rest))
    .sort();
}

/** Datasets whose tables repeat a name: Power BI forbids it (TOM names are unique per model), so keys collide. */
function datasetsWithRepeatedTableNames(result: ScanResult): string[] {
  return (result.workspaces ?? []).flatMap((ws) =>
    (ws.datasets ?? []).flatMap((ds) => {
      const names = (ds.tables ?? []).map((t) => t.name?.toLowerCase());
      return new Set(names).size === names.length ? [] : [String(ds.id)];
    }),
  );
}

describe('streams over the simulator tenant', () => {
  it('simulator tenant keeps the Power BI invariant: table names are unique within a dataset', () => {
    const tenant = newTenant();
    expect(
      datasetsWithRepeatedTableNames(
        scan(
          tenant,
          tenant.listWorkspaces().map((w) => w.id),
        ),
      ),
    ).toEqual([]);
  });

  it('emits every artifact of the tenant once per stream, as valid records with unique keys', async () => {
    const tenant = newTenant();
    const result = scan(
      tenant,
      tenant.listWorkspaces().map((w) => w.id),
    );
    const counts = tenant.counts();
    const expected: Record<string, number> = {
      workspaces: counts.workspaces,
      reports: counts.reports,
      dashboards: counts.dashboards,
      dashboard_tiles: counts.tiles,
      datasets: counts.datasets,
      tables: counts.tables,
      columns: counts.columns,
      measures: counts.measures,
      dataflows: counts.dataflows,
      datamarts: counts.datamarts,
    };
    // Keys of datasets that break the invariant above collide by construction; the test above reports them.
    const invalid = new Set(datasetsWithRepeatedTableNames(result));
    for (const stream of scanStreams.filter((s) => s.fromWorkspace)) {
      const records = await mapScan(stream, result, context({ userIdentifiers: 'hash' }));
      for (const record of records) expect(schemaErrors(stream, record)).toBeNull();
      const keyed = records.filter((r) => !invalid.has(String(r.datasetId ?? r.sourceId)));
      expect([stream.name, new Set(keyed.map((r) => keyOf(stream, r))).size]).toEqual([
        stream.name,
        keyed.length,
      ]);
      if (stream.name in expected)
        expect([stream.name, records.length]).toEqual([stream.name, expected[stream.name]]);
    }
    expect(counts.tables).toBeGreaterThan(0);
  });

  it('finds warehouse lineage in the M the simulator generates', async () => {
    const tenant = newTenant();
    const edges = await mapScan(
      scanStream('lineage'),
      scan(
        tenant,
        tenant.listWorkspaces().map((w) => w.id),
      ),
      context(),
    );
    const external = edges.filter((e) => e.targetType === 'external_table');
    expect(external.length).toBeGreaterThan(0);
    const resolved = edges.filter((e) => e.relation === 'source' && e.targetType !== 'unresolved').length;
    const unresolved = edges.filter((e) => e.targetType === 'unresolved').length;
    console.info(`simulator tenant M lineage: ${resolved} edges, ${unresolved} unresolved tables`);
  });

  it.each([1, 2, 3])(
    'mutation round %i: incremental + deletion rule equals a fresh full mapping',
    async (round) => {
      const tenant = newTenant();
      const before = tenant.listWorkspaces().map((w) => w.id);
      const incremental: Destination = new Map();
      await syncInto(incremental, scan(tenant, before), '2026-11-28T10:00:00.000Z');
      const mutation = tenant.mutate({ workspaces: 5, seed: round }, START + 3_600_000);
      const touched = [
        ...mutation.changed.map((c) => c.workspaceId),
        ...mutation.deletedWorkspaces,
        ...mutation.addedWorkspaces,
      ];
      await syncInto(incremental, scan(tenant, touched), '2026-11-28T12:00:00.000Z');
      const fresh: Destination = new Map();
      await syncInto(
        fresh,
        scan(
          tenant,
          tenant.listWorkspaces().map((w) => w.id),
        ),
        '2026-11-28T12:00:00.000Z',
      );
      for (const stream of scanStreams.filter((s) => s.fromWorkspace)) {
        expect([stream.name, currentView(incremental, stream.name)]).toEqual([
          stream.name,
          currentView(fresh, stream.name),
        ]);
      }
      expect(mutation.deletedWorkspaces).toHaveLength(1);
    },
  );
});
