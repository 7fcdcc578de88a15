/** fabric_items, Fabric access rows and Fabric lineage edges, from hand-written scan workspaces. */
import type { ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import { sha256Hex } from '../../../src/streams/privacy.js';
import { collect, context, scanStream } from './map-scan.js';
import { schemaErrors } from './record-validator.js';

const WS = 'aaaaaaaa-0000-4000-8000-000000000001';
const LAKEHOUSE = 'bbbbbbbb-0000-4000-8000-000000000002';
const ENDPOINT = 'cccccccc-0000-4000-8000-000000000003';
const MODEL = 'dddddddd-0000-4000-8000-000000000004';
const ODD = 'eeeeeeee-0000-4000-8000-000000000005';
const HOST = 'abc123-xyz.datawarehouse.fabric.microsoft.com';

function workspace(): ScanWorkspace {
  return {
    id: WS,
    name: 'Sales',
    datasets: [
      {
        id: MODEL,
        name: 'Sales model',
        targetStorageMode: 'Abf',
        relations: [{ dependentOnArtifactId: ENDPOINT, workspaceId: WS, relationType: 'CascadeDelete' }],
        expressions: [
          {
            name: 'DatabaseQuery',
            expression: `let\n  database = Sql.Database("${HOST}", "${ENDPOINT}")\nin\n  database`,
          },
        ],
        tables: [
          { name: 'orders', storageMode: 'DirectLake' },
          {
            name: 'Customers',
            storageMode: 'DirectLake',
            source: [{ entityName: 'dim_customer', schemaName: 'sales' }],
          },
          { name: 'Imported', storageMode: 'Import', source: [{ expression: 'let x = 1 in x' }] },
        ],
      },
    ],
    Lakehouse: [
      {
        id: LAKEHOUSE,
        name: 'Staging',
        description: null,
        state: 'Active',
        createdDate: '2025-03-13T20:07:26.378137',
        lastUpdatedDate: '2025-03-13T20:07:56.4405389',
        createdBy: 'ana@contoso.com',
        modifiedBy: 'ana@contoso.com',
        extendedProperties: {
          OneLakeTablesPath: 'https://onelake.example/ws/lh/Tables',
          ownerEmail: 'ana@contoso.com',
        },
        users: [
          {
            identifier: 'ana@contoso.com',
            principalType: 'User',
            artifactUserAccessRight: 'ReadWriteReshareExecute',
          },
        ],
      },
    ],
    SQLAnalyticsEndpoint: [
      {
        id: ENDPOINT,
        name: 'Staging',
        configuredBy: 'ana@contoso.com',
        modifiedDateTime: '2025-03-13T20:07:56.3780429',
        relations: [
          { dependentOnArtifactId: LAKEHOUSE, workspaceId: WS, relationType: 'CascadeDelete', usage: 'None' },
        ],
        users: [
          { identifier: 'group-1', principalType: 'Group', datamartUserAccessRight: 'ReadWriteReshare' },
        ],
      },
    ],
    // An item array of a type no one has seen: kept, never a failure.
    QuantumThing: [{ id: ODD, name: 'Q', flux: 42, nested: { a: [1, 2] } }, null, 'noise', { name: 'no id' }],
  };
}

describe('fabric_items', () => {
  const stream = scanStream('fabric_items');

  it('maps every Fabric item, known and unknown, with valid records', async () => {
    const records = await collect(stream.fromWorkspace!(workspace(), context()));
    expect(records.map((r) => [r.type, r.id, r.scanArray])).toEqual([
      ['Lakehouse', LAKEHOUSE, 'Lakehouse'],
      ['SQLAnalyticsEndpoint', ENDPOINT, 'SQLAnalyticsEndpoint'],
      ['QuantumThing', ODD, 'QuantumThing'],
    ]);
    for (const record of records) expect(schemaErrors(stream, record)).toBeNull();
    const [lakehouse, endpoint, odd] = records;
    expect(lakehouse).toMatchObject({
      workspaceId: WS,
      state: 'Active',
      createdBy: 'ana@contoso.com',
      createdDateTime: '2025-03-13T20:07:26.378137Z',
      modifiedDateTime: '2025-03-13T20:07:56.4405389Z',
      relations: null,
    });
    expect(JSON.parse(lakehouse!.extra as string)).toEqual({
      extendedProperties: {
        OneLakeTablesPath: 'https://onelake.example/ws/lh/Tables',
        ownerEmail: 'ana@contoso.com',
      },
    });
    expect(endpoint).toMatchObject({ createdBy: 'ana@contoso.com', extra: null });
    expect(endpoint!.relations).toEqual([
      {
        dependentOnArtifactId: LAKEHOUSE,
        workspaceId: WS,
        relationType: 'CascadeDelete',
        settingsList: null,
        usage: 'None',
      },
    ]);
    expect(JSON.parse(odd!.extra as string)).toEqual({ flux: 42, nested: { a: [1, 2] } });
  });

  it('hashes people, also inside the unmapped fields', async () => {
    const [lakehouse] = await collect(
      stream.fromWorkspace!(workspace(), context({ userIdentifiers: 'hash' })),
    );
    const hashed = sha256Hex('ana@contoso.com');
    expect(lakehouse).toMatchObject({ createdBy: hashed, modifiedBy: hashed });
    expect(lakehouse!.extra).not.toContain('ana@contoso.com');
    expect(JSON.parse(lakehouse!.extra as string)).toMatchObject({
      extendedProperties: { ownerEmail: hashed },
    });
  });

  it('a workspace without Fabric items gives no rows', async () => {
    const ws = { id: WS, reports: [{ id: 'r' }], users: [{ identifier: 'x' }] } as ScanWorkspace;
    expect(await collect(stream.fromWorkspace!(ws, context()))).toEqual([]);
  });
});

describe('Fabric items in artifact_access', () => {
  it('gives one fabric_item row per user of a Fabric item', async () => {
    const records = await collect(scanStream('artifact_access').fromWorkspace!(workspace(), context()));
    const fabric = records.filter((r) => r.artifactType === 'fabric_item');
    expect(fabric.map((r) => [r.artifactId, r.principalId, r.accessRight])).toEqual([
      [LAKEHOUSE, 'ana@contoso.com', 'ReadWriteReshareExecute'],
      [ENDPOINT, 'group-1', 'ReadWriteReshare'],
    ]);
  });
});

describe('Fabric lineage edges', () => {
  const stream = scanStream('lineage');

  it('turns relations into edges and Direct Lake tables into warehouse-table edges', async () => {
    const records = await collect(stream.fromWorkspace!(workspace(), context()));
    for (const record of records) expect(schemaErrors(stream, record)).toBeNull();
    const relations = records.filter((r) => r.relation === 'relations');
    expect(relations.map((r) => [r.sourceType, r.sourceId, r.targetType, r.targetId])).toEqual([
      ['fabric_item', ENDPOINT, 'fabric_item', LAKEHOUSE],
      ['dataset', MODEL, 'fabric_item', ENDPOINT],
    ]);
    const direct = records.filter((r) => r.relation === 'directLake');
    expect(
      direct.map((r) => {
        const u = r.upstream as { server: string; qualifiedName: string };
        return [
          r.sourceTableName,
          u.server,
          u.qualifiedName,
          (r.diagnostics as { kind: string }[] | null)?.[0]?.kind ?? null,
        ];
      }),
    ).toEqual([
      ['orders', HOST, `${ENDPOINT}.dbo.orders`, 'entity_name_assumed'],
      ['Customers', HOST, `${ENDPOINT}.sales.dim_customer`, null],
    ]);
  });

  it('keeps Direct Lake edges out when M lineage is off, relations in', async () => {
    const records = await collect(
      stream.fromWorkspace!(workspace(), context({ lineage: { enabled: false } })),
    );
    expect(records.some((r) => r.relation === 'directLake')).toBe(false);
    expect(records.filter((r) => r.relation === 'relations')).toHaveLength(2);
  });
});
