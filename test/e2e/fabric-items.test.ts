/**
 * Fabric items end to end: a read of an 80-workspace simulator tenant returns every Fabric item the
 * generator put in it (the unknown item type included), and the Fabric relations and Direct Lake
 * table lineage equal the generator's ground truth.
 */
import { startSimulator, type Simulator } from '../../simulator/index.js';
import {
  buildFabricItems,
  UNKNOWN_FABRIC_ARRAY,
  type BuiltFabric,
} from '../../simulator/tenant/fabric-items.js';
import { catalogFor, readOnce, type Message } from '../helpers/read-run.js';

interface FabricRow {
  workspaceId: string;
  scanArray: string;
  type: string;
  id: string;
  name: string | null;
}

interface Edge {
  relation: string;
  sourceId: string;
  sourceTableName: string | null;
  targetId: string | null;
  upstream: { server: string | null; qualifiedName: string | null } | null;
}

function recordsOf<T>(messages: Message[], stream: string): T[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: T }).data);
}

const sorted = (values: Iterable<string>) => [...values].sort();

describe('Fabric items against the simulator ground truth', () => {
  let sim: Simulator;
  let truth: BuiltFabric['truth'];
  let rows: FabricRow[];
  let edges: Edge[];
  let accessRows: { artifactType: string; artifactId: string }[];

  beforeAll(async () => {
    // 80 workspaces: 71 Fabric items (2 of the unknown type), 43 Direct Lake tables, 35 relations.
    sim = await startSimulator({ seed: 42, workspaces: 80, scanDurationMs: 0 });
    truth = { items: [], directLake: [], relations: [] };
    for (const sk of sim.tenant.ctx.skeletons) {
      const built = buildFabricItems(sim.tenant.ctx, sk).truth;
      truth.items.push(...built.items);
      truth.directLake.push(...built.directLake);
      truth.relations.push(...built.relations);
    }
    const config = { ...sim.config, scan: { poll_interval_seconds: 0.05 } };
    const result = await readOnce(
      config,
      catalogFor('full_refresh', ['fabric_items', 'lineage', 'artifact_access']),
    );
    expect(result.code).toBe(0);
    rows = recordsOf<FabricRow>(result.messages, 'fabric_items');
    edges = recordsOf<Edge>(result.messages, 'lineage');
    accessRows = recordsOf(result.messages, 'artifact_access');
  }, 300_000);
  afterAll(() => sim.close());

  it('the tenant has Fabric items, Direct Lake models and the unknown type to check', () => {
    expect(truth.items.length).toBeGreaterThan(50);
    expect(truth.directLake.length).toBeGreaterThan(10);
    expect(truth.items.some((i) => i.scanArray === UNKNOWN_FABRIC_ARRAY)).toBe(true);
  });

  it('returns every Fabric item of the tenant, and nothing else', () => {
    const key = (i: { workspaceId: string; scanArray: string; id: string; name: string | null }) =>
      `${i.workspaceId}|${i.scanArray}|${i.id}|${i.name}`;
    expect(sorted(rows.map(key))).toEqual(sorted(truth.items.map(key)));
  });

  it('keeps the unknown item type under its own name', () => {
    const unknown = rows.filter((r) => r.scanArray === UNKNOWN_FABRIC_ARRAY);
    expect(unknown.length).toBe(truth.items.filter((i) => i.scanArray === UNKNOWN_FABRIC_ARRAY).length);
    for (const row of unknown) expect(row.type).toBe(UNKNOWN_FABRIC_ARRAY);
  });

  it('gives every Fabric item its access rows', () => {
    const withAccess = new Set(
      accessRows.filter((a) => a.artifactType === 'fabric_item').map((a) => a.artifactId),
    );
    expect(sorted(withAccess)).toEqual(sorted(new Set(truth.items.map((i) => i.id))));
  });

  it('turns the scan relations into lineage edges', () => {
    const observed = edges
      .filter((e) => e.relation === 'relations')
      .map((e) => `${e.sourceId}>${e.targetId}`);
    expect(sorted(observed)).toEqual(sorted(truth.relations.map((r) => `${r.sourceId}>${r.targetId}`)));
  });

  it('maps Direct Lake tables to the endpoint tables of the ground truth', () => {
    const observed = edges
      .filter((e) => e.relation === 'directLake')
      .map((e) => `${e.sourceId}|${e.sourceTableName}|${e.upstream?.server}|${e.upstream?.qualifiedName}`);
    const expected = truth.directLake.map(
      (d) => `${d.datasetId}|${d.table}|${d.server}|${d.qualifiedName.toLowerCase()}`,
    );
    expect(sorted(observed)).toEqual(sorted(expected));
  });
});
