/** Details of the mapping that real payloads need: spellings, timestamps, missing ids, datasource keys. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import { streamByName, streams } from '../../../src/streams/registry.js';
import type { ScanBatch } from '../../../src/streams/stream.js';
import { repoRoot } from '../../helpers/paths.js';
import { collect, context, scanStream } from './map-scan.js';
import { schemaErrors } from './record-validator.js';

const ws = (extra: Partial<ScanWorkspace>): ScanWorkspace => ({
  id: 'w1',
  name: 'W',
  state: 'Active',
  ...extra,
});
const run = async (name: string, workspace: ScanWorkspace) => {
  const stream = scanStream(name);
  const records = await collect(stream.fromWorkspace!(workspace, context()));
  for (const record of records) expect(schemaErrors(stream, record)).toBeNull();
  return records;
};
const batch = async (name: string, input: Partial<ScanBatch>, mode: 'keep' | 'hash' = 'keep') => {
  const stream = scanStream(name);
  const full = { datasourceInstances: [], misconfiguredDatasourceInstances: [], ...input };
  const records = await collect(stream.fromBatch!(full, context({ userIdentifiers: mode })));
  for (const record of records) expect(schemaErrors(stream, record)).toBeNull();
  return records;
};

describe('stream mapping details', () => {
  it('has one schema file per registered stream (scan and api streams) and no other', () => {
    const files = readdirSync(path.join(repoRoot, 'schemas')).map((f) => path.basename(f, '.json'));
    const names = streams.map((s) => s.name);
    expect(names.sort()).toEqual(files.sort());
    expect(streamByName('nope')).toBeUndefined();
  });

  it('writes Power BI times without offset as UTC and drops what is not a time', async () => {
    const [report] = await run(
      'reports',
      ws({ reports: [{ id: 'r1', createdDateTime: '2025-02-11T09:12:44.83', modifiedDateTime: 'soon' }] }),
    );
    expect(report).toMatchObject({ createdDateTime: '2025-02-11T09:12:44.83Z', modifiedDateTime: null });
    const [dataflow] = await run(
      'dataflows',
      ws({ dataflows: [{ objectId: 'f1', modifiedDateTime: '2026-11-26T05:00:12.4Z' }] }),
    );
    expect(dataflow?.modifiedDateTime).toBe('2026-11-26T05:00:12.4Z');
  });

  it('reads the PascalCase spellings found in Microsoft examples', async () => {
    const [dataset] = await run(
      'datasets',
      ws({
        datasets: [{ id: 'd1', ContentProviderType: 'PbixInImportMode', CreatedDate: '2020-01-01T00:00:00' }],
      }),
    );
    expect(dataset).toMatchObject({
      contentProviderType: 'PbixInImportMode',
      createdDate: '2020-01-01T00:00:00Z',
    });
    const datamart = {
      id: 'm1',
      UpstreamDataflows: [{ targetDataflowId: 'f1', groupId: 'w2' }],
      Users: [{ identifier: 'a@b.c', principalType: 'User', datamartUserAccessRight: 'Read' }],
    };
    expect((await run('datamarts', ws({ datamarts: [datamart] })))[0]?.upstreamDataflows).toEqual([
      { targetDataflowId: 'f1', groupId: 'w2' },
    ]);
    expect(await run('artifact_access', ws({ datamarts: [datamart] }))).toEqual([
      expect.objectContaining({
        artifactType: 'datamart',
        artifactId: 'm1',
        principalId: 'a@b.c',
        accessRight: 'Read',
      }),
    ]);
    expect(await run('lineage', ws({ datamarts: [datamart] }))).toEqual([
      expect.objectContaining({
        sourceType: 'datamart',
        targetType: 'dataflow',
        targetId: 'f1',
        targetWorkspaceId: 'w2',
      }),
    ]);
  });

  it('takes the access right from whichever <item>UserAccessRight key Power BI used', async () => {
    const users = [
      { identifier: 'a@b.c', principalType: 'User', DataflowUserAccessRight: 'Owner' },
      { identifier: 'x@b.c', principalType: 'User' },
    ];
    const rows = await run('artifact_access', ws({ dataflows: [{ objectId: 'f1', users }] }));
    expect(rows.map((r) => r.accessRight)).toEqual(['Owner', null]);
  });

  it('keys service principal profiles apart', async () => {
    const users = [
      { identifier: 'APP-1', principalType: 'App', profile: { id: 'P1' } },
      { identifier: 'APP-1', principalType: 'App', profile: { id: 'P2' } },
    ];
    const rows = await run('artifact_access', ws({ users }));
    expect(rows.map((r) => r.principalId)).toEqual(['app-1/profile/p1', 'app-1/profile/p2']);
  });

  it('skips items without an id instead of emitting keyless records', async () => {
    const workspace = ws({
      reports: [{ name: 'no id' }],
      datasets: [{ name: 'no id', tables: [{ name: 't' }] }],
      dashboards: [{ id: 'd', tiles: [{ title: 'x' }] }],
    });
    expect(await run('reports', workspace)).toEqual([]);
    expect(await run('tables', workspace)).toEqual([]);
    expect(await run('dashboard_tiles', workspace)).toEqual([]);
    expect(await run('dashboards', workspace)).toHaveLength(1);
  });

  it('gives a datasource without id a stable derived key and merges one listed twice', async () => {
    const noId = { datasourceType: 'Web', connectionDetails: { url: 'https://x', port: 443 } };
    const [first] = await batch('datasources', { datasourceInstances: [noId] });
    const [again] = await batch('datasources', { datasourceInstances: [structuredClone(noId)] });
    expect(first?.datasourceId).toMatch(/^derived:[0-9a-f]{64}$/);
    expect(again?.datasourceId).toBe(first?.datasourceId);
    expect(first?.connectionDetails).toEqual({ url: 'https://x', port: '443' });
    const both = { datasourceId: 'ds1', datasourceType: 'Sql' };
    expect(
      await batch('datasources', { datasourceInstances: [both], misconfiguredDatasourceInstances: [both] }),
    ).toEqual([expect.objectContaining({ datasourceId: 'ds1', misconfigured: true })]);
  });

  it('treats an Exchange mailbox in connection details as a personal value', async () => {
    const exchange = {
      datasourceId: 'e1',
      datasourceType: 'Exchange',
      connectionDetails: { emailAddress: 'Ana@Contoso.com' },
    };
    const [record] = await batch('datasources', { datasourceInstances: [exchange] }, 'hash');
    expect((record?.connectionDetails as Record<string, string>).emailAddress).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports M that yields no upstream as one unresolved edge carrying the diagnostics', async () => {
    const weird = ws({
      datasets: [
        {
          id: 'd1',
          tables: [{ name: 't', source: [{ expression: 'let Source = Foo.Bar("x") in Source' }] }],
        },
      ],
    });
    const edges = await run('lineage', weird);
    expect(edges).toEqual([
      expect.objectContaining({
        sourceType: 'table',
        sourceTableName: 't',
        targetType: 'unresolved',
        targetId: null,
      }),
    ]);
    expect((edges[0]?.diagnostics as unknown[]).length).toBeGreaterThan(0);
  });
});
