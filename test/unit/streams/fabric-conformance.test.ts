/**
 * Conformance with the peer corpus's mocked scan results (read from ../shared at test time) and the
 * simulator's scans: every Fabric item in is one fabric_items row out, with its id, type, name and
 * every field it carries.
 */
import { allFixtures, peerMocksAvailable } from './scan-fixtures.js';
import { context, mapScan, scanStream } from './map-scan.js';

type Json = Record<string, unknown>;

/** Counted from the JSON alone: arrays under a workspace that the Power BI streams do not read. */
const POWER_BI_KEYS = new Set(['reports', 'dashboards', 'datasets', 'dataflows', 'datamarts', 'users']);
const MAPPED = ['id', 'name', 'description', 'state', 'relations', 'users'];

function fabricItemsIn(result: unknown): { array: string; item: Json }[] {
  const workspaces = ((result as Json).workspaces ?? []) as Json[];
  return workspaces.flatMap((ws) =>
    Object.entries(ws)
      .filter(([key, value]) => Array.isArray(value) && !POWER_BI_KEYS.has(key))
      .flatMap(([array, value]) => (value as Json[]).map((item) => ({ array, item }))),
  );
}

const fixtures = allFixtures().filter((f) => fabricItemsIn(f.result).length > 0);

describe('Fabric items of the peer corpus and the simulator', () => {
  it('has Fabric items to check', () => {
    expect(fixtures.filter((f) => f.label.startsWith('simulated')).length).toBeGreaterThan(0);
    if (peerMocksAvailable)
      expect(fixtures.filter((f) => !f.label.startsWith('simulated')).length).toBeGreaterThan(0);
  });

  it.each(fixtures.map((f) => [f.label, f] as const))('maps %s without loss', async (_label, fixture) => {
    const items = fabricItemsIn(fixture.result);
    const rows = await mapScan(scanStream('fabric_items'), fixture.result, context());
    expect(rows).toHaveLength(items.length);
    for (const { array, item } of items) {
      const row = rows.find((r) => r.id === item.id && r.scanArray === array);
      expect(row).toBeDefined();
      expect(row!.name).toBe(item.name ?? null);
      expect(row!.state).toBe(item.state ?? null);
      expect(row!.relations === null ? 0 : (row!.relations as unknown[]).length).toBe(
        Array.isArray(item.relations) ? item.relations.length : 0,
      );
      // Every field either mapped to a column or kept in extra: a value from the payload is in the row.
      const extra = row!.extra ? (JSON.parse(row!.extra as string) as Json) : {};
      for (const key of Object.keys(item).filter((k) => !MAPPED.includes(k))) {
        const inExtra = key in extra;
        const inColumns = Object.values(row!).some((v) => v === item[key] || v === `${String(item[key])}Z`);
        expect({ key, kept: inExtra || inColumns }).toEqual({ key, kept: true });
      }
    }
  });
});
