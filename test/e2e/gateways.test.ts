/**
 * gateways through the built CLI against the simulator: with gateway admin rights the rows equal
 * the simulator's gateway clusters joined with the datasources of the same read; without them the
 * rows come from the scan alone, with a WARN naming the permission, and nothing fails.
 */
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { listGatewayClusters } from '../../simulator/tenant/gateways.js';
import { streamByName } from '../../src/streams/registry.js';
import { catalogFor, readOnce, type Message } from '../helpers/read-run.js';
import { schemaErrors } from '../unit/streams/record-validator.js';

type Row = Record<string, unknown>;

function records(messages: Message[], stream: string): Row[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: Row }).data);
}

function warnings(messages: Message[]): string[] {
  return messages
    .filter((m) => m.type === 'LOG' && (m.log as { level: string }).level === 'WARN')
    .map((m) => (m.log as { message: string }).message);
}

/** datasourceIds per gatewayId as the datasources stream of the same read has them. */
function scannedBindings(datasources: Row[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const d of datasources) {
    if (typeof d.gatewayId !== 'string') continue;
    const id = d.gatewayId.toLowerCase();
    out.set(id, [...(out.get(id) ?? []), String(d.datasourceId)]);
  }
  return out;
}

describe('gateways through the built CLI', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 42, workspaces: 60, scanDurationMs: 30 });
  });
  afterAll(async () => {
    await sim.close();
  });
  // Members come from the Fabric API, which the connector configures with report definitions.
  const config = (): Row => ({
    ...sim.config,
    scan: { poll_interval_seconds: 0.05 },
    report_definitions: { ...(sim.config.report_definitions as Row), enabled: true },
  });
  const read = () => readOnce(config(), catalogFor('full_refresh', ['datasources', 'gateways']));

  test('gateway admin: every cluster of the tenant and every scanned gatewayId, as the simulator has them', async () => {
    sim.settings.callerIsGatewayAdmin = true;
    const result = await read();
    expect(result.code).toBe(0);
    const rows = records(result.messages, 'gateways');
    for (const row of rows) expect(schemaErrors(streamByName('gateways')!, row)).toBeNull();
    const scanned = scannedBindings(records(result.messages, 'datasources'));
    expect(scanned.size).toBeGreaterThan(0);
    const clusters = listGatewayClusters(sim.tenant.ctx);
    const expectedIds = new Set([...scanned.keys(), ...clusters.map((c) => c.id)]);
    expect(rows.map((r) => r.id).sort()).toEqual([...expectedIds].sort());
    for (const cluster of clusters) {
      const row = rows.find((r) => r.id === cluster.id)!;
      const fromScan = scanned.get(cluster.id) ?? [];
      const fromApi = cluster.datasources.map((d) => String(d.datasourceId));
      expect(row).toMatchObject({
        name: cluster.name,
        type: cluster.type,
        status: cluster.status,
        version: cluster.version,
        source: fromScan.length > 0 ? 'scan+api' : 'api',
        apiDatasourceIds: [...fromApi].sort(),
        datasourceIds: [...new Set([...fromScan, ...fromApi])].sort(),
      });
      expect(row.members).toEqual(
        cluster.members.map((m) => ({ id: m.id, name: m.displayName, version: m.version })),
      );
    }
    expect(clusters.some((c) => c.members.length > 1)).toBe(true);
    expect(warnings(result.messages).filter((w) => w.startsWith('gateways:'))).toEqual([]);
  });

  test('no gateway admin rights: rows from the scan only, a WARN naming the permission, the read succeeds', async () => {
    sim.settings.callerIsGatewayAdmin = false;
    try {
      const result = await read();
      expect(result.code).toBe(0);
      const rows = records(result.messages, 'gateways');
      const scanned = scannedBindings(records(result.messages, 'datasources'));
      expect(rows.map((r) => r.id).sort()).toEqual([...scanned.keys()].sort());
      for (const row of rows) {
        expect(row).toMatchObject({ source: 'scan', name: null, members: null, apiDatasourceIds: null });
        expect(row.datasourceIds).toEqual([...new Set(scanned.get(String(row.id)))].sort());
      }
      const warned = warnings(result.messages).filter((w) => w.startsWith('gateways:'));
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatch(/gateway admin rights/);
      for (const id of scanned.keys()) expect(warned[0]).toContain(id);
    } finally {
      sim.settings.callerIsGatewayAdmin = true;
    }
  });
});
