/**
 * Property: whatever shape a scanned workspace arrives in (nulls where objects belong, values of
 * the wrong type, missing or duplicated array items, unknown fields), every stream's mapping
 * finishes without throwing and every record it yields is valid against the stream's schema, with
 * no primary key twice. The workspaces start from real generated tenants and are then damaged.
 */
import fc from 'fast-check';
import { Tenant } from '../../../simulator/tenant/tenant.js';
import type { ScanDatasourceInstance, ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import { scanStreams } from '../../../src/streams/registry.js';
import type { MappingContext, StreamRecord } from '../../../src/streams/stream.js';
import { schemaErrors } from '../streams/record-validator.js';

type Json = unknown;
type Path = (string | number)[];

const tenant = new Tenant({
  seed: 77,
  workspaces: 12,
  startMs: Date.parse('2026-11-01T00:00:00Z'),
  emailDomain: 'contoso.com',
  scannerApp: { clientId: '00000000-0000-4000-8000-00000000000a', displayName: 'Scanner' },
});
const samples = tenant
  .listWorkspaces()
  .filter((w) => w.state === 'Active')
  .map((w) => tenant.workspace(w.id) as unknown as ScanWorkspace)
  .filter((w) => (w.datasets ?? []).length > 0);

/** Every object and array position of a value, so damage can land anywhere. */
function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    out.push(prefix);
    value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  } else if (typeof value === 'object' && value !== null) {
    out.push(prefix);
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  } else {
    out.push(prefix);
  }
  return out;
}

const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constant('2026-02-30T25:61:00'),
  fc.array(fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.object()), { maxLength: 3 }),
  fc.object({ maxDepth: 2 }),
);

type Damage = { at: number; kind: 'replace' | 'delete' | 'duplicate' | 'add-field'; value: Json };
const damage = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom<Damage['kind'][]>('replace', 'delete', 'duplicate', 'add-field'),
  value: junk,
});

function apply(root: Record<string, unknown>, paths: Path[], d: Damage): void {
  const path = paths[d.at % paths.length]!;
  if (path.length === 0 || path[0] === 'id') return; // the scanner only yields workspaces with their id
  let parent: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return;
    parent = (parent as Record<string | number, unknown>)[key];
  }
  if (typeof parent !== 'object' || parent === null) return;
  const container = parent as Record<string | number, unknown>;
  const key = path.at(-1)!;
  switch (d.kind) {
    case 'replace':
      container[key] = d.value;
      return;
    case 'delete':
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
      return;
    case 'duplicate':
      if (Array.isArray(container)) container.push(structuredClone(container[Number(key)]));
      return;
    case 'add-field': {
      const target = container[key];
      if (typeof target === 'object' && target !== null && !Array.isArray(target))
        (target as Record<string, unknown>).unexpectedField = d.value;
      return;
    }
  }
}

const context: MappingContext = {
  scannedAt: '2026-11-28T10:00:00.000Z',
  userIdentifiers: 'keep',
  lineage: { enabled: true },
};

async function mapEverything(ws: ScanWorkspace, ctx: MappingContext): Promise<Map<string, StreamRecord[]>> {
  const out = new Map<string, StreamRecord[]>();
  for (const stream of scanStreams) {
    const records: StreamRecord[] = [];
    if (stream.fromWorkspace) for await (const r of stream.fromWorkspace(ws, ctx)) records.push(r);
    out.set(stream.name, records);
  }
  return out;
}

function problemsOf(all: Map<string, StreamRecord[]>): string[] {
  const problems: string[] = [];
  for (const stream of scanStreams) {
    const records = all.get(stream.name) ?? [];
    const keys = new Set<string>();
    for (const record of records) {
      const error = schemaErrors(stream, record);
      if (error) problems.push(`${stream.name}: ${error}`);
      const key = JSON.stringify(stream.primaryKey.map(([f]) => record[f!]));
      if (keys.has(key)) problems.push(`${stream.name}: key ${key} twice`);
      keys.add(key);
    }
  }
  return problems;
}

describe('record mappers over damaged scan workspaces', () => {
  test('the undamaged samples map to valid records (the baseline the damage starts from)', async () => {
    expect(samples.length).toBeGreaterThan(3);
    for (const ws of samples) expect(problemsOf(await mapEverything(ws, context))).toEqual([]);
  });

  test('never throw, always schema-valid, never a key twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: samples.length - 1 }),
        fc.array(damage, { minLength: 1, maxLength: 12 }),
        fc.constantFrom('keep', 'hash', 'drop') as fc.Arbitrary<MappingContext['userIdentifiers']>,
        async (index, damages, userIdentifiers) => {
          const ws = structuredClone(samples[index]!) as unknown as Record<string, unknown>;
          const paths = pathsOf(ws);
          for (const d of damages) apply(ws, paths, d);
          const all = await mapEverything(ws as unknown as ScanWorkspace, { ...context, userIdentifiers });
          expect(problemsOf(all)).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });

  test('a workspace made of arbitrary JSON values maps without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom(
            'name',
            'type',
            'state',
            'reports',
            'dashboards',
            'datasets',
            'dataflows',
            'datamarts',
            'users',
            'description',
            'isOnDedicatedCapacity',
          ),
          fc.oneof(junk, fc.array(fc.oneof(junk, fc.object({ maxDepth: 3 })), { maxLength: 4 })),
        ),
        async (fields) => {
          const ws = { ...fields, id: '11111111-2222-4333-8444-555555555555' } as unknown as ScanWorkspace;
          expect(problemsOf(await mapEverything(ws, context))).toEqual([]);
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });

  test('batch-level datasource lists of any shape map without throwing', async () => {
    const datasources = scanStreams.filter((s) => s.fromBatch);
    expect(datasources.length).toBeGreaterThan(0);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(junk, fc.object({ maxDepth: 3 })), { maxLength: 6 }),
        async (items) => {
          const list = items as unknown as ScanDatasourceInstance[];
          for (const stream of datasources) {
            for await (const record of stream.fromBatch!(
              { datasourceInstances: list, misconfiguredDatasourceInstances: list },
              context,
            )) {
              expect(schemaErrors(stream, record)).toBeNull();
            }
          }
        },
      ),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) },
    );
  });
});
