import { startSimulator } from '../../simulator/index.js';
import type { TableLineageTruth } from '../../simulator/tenant/lineage-truth.js';
import { Tenant } from '../../simulator/tenant/tenant.js';
import type { ScanDataset } from '../../simulator/tenant/types.js';
import type { BuiltWorkspace } from '../../simulator/tenant/workspace.js';
import { API, appToken, call } from './helpers/client.js';

const options = (seed: number, workspaces: number) => ({
  seed,
  workspaces,
  startMs: Date.parse('2026-11-28T09:00:00Z'),
  emailDomain: 'contoso.com',
  scannerApp: { clientId: '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90', displayName: 'Scanner' },
});

const REAL_WORLD = /^(as-structured-|model-reference$|model-cycle$|condition$|kusto-|long-chain$)/;

function builtAll(tenant: Tenant): BuiltWorkspace[] {
  return tenant.listWorkspaces().map((_, index) => tenant.build(index));
}

function datasetsOf(built: BuiltWorkspace[]): { dataset: ScanDataset; built: BuiltWorkspace }[] {
  return built.flatMap((b) => b.workspace.datasets.map((dataset) => ({ dataset, built: b })));
}

function truthOf(built: BuiltWorkspace, dataset: ScanDataset): TableLineageTruth[] {
  return built.lineage.filter((t) => t.datasetId === dataset.id);
}

/** Every M text of a dataset: its tables' sources and its expressions. */
function mTextOf(dataset: ScanDataset): string {
  return [
    ...(dataset.tables ?? []).flatMap((t) => (t.source ?? []).map((s) => s.expression)),
    ...(dataset.expressions ?? []).map((e) => e.expression ?? ''),
  ].join('\n');
}

function expressionOf(dataset: ScanDataset, table: string): string {
  return dataset.tables?.find((t) => t.name === table)?.source?.[0]?.expression ?? '';
}

const tenant = new Tenant(options(7, 300));
const built = builtAll(tenant);
const datasets = datasetsOf(built);
const truth = tenant.lineageTruth();

test('every table with a source has ground truth, and nothing else has', () => {
  const withSource = datasets.flatMap(({ dataset }) =>
    (dataset.tables ?? [])
      .filter((t) => (t.source ?? []).some((s) => s.expression.trim() !== ''))
      .map((t) => `${dataset.id}/${t.name}`),
  );
  expect(truth.map((t) => `${t.datasetId}/${t.table}`).sort()).toEqual(withSource.sort());
  expect(truth.length).toBeGreaterThan(1000);
});

test('the truth names what the M text says: lower-cased names, servers and tables written in the dataset', () => {
  const problems: string[] = [];
  for (const { dataset, built: b } of datasets) {
    const text = mTextOf(dataset).toLowerCase();
    for (const t of truthOf(b, dataset)) {
      for (const u of t.upstreams) {
        const where = `${t.form} ${dataset.name}/${t.table}: ${u.qualifiedName}`;
        if (u.qualifiedName !== u.qualifiedName.toLowerCase()) problems.push(`${where} not lower-cased`);
        if (!u.qualifiedName.endsWith(u.table.toLowerCase()))
          problems.push(`${where} does not end in its table`);
        if (!text.includes(u.table.toLowerCase())) problems.push(`${where}: table not in the M`);
        // An Analysis Services data source name writes an Azure host's dots as spaces.
        const server = u.server?.toLowerCase();
        if (server && !text.includes(server) && !text.includes(server.replace(/\./g, ' ')))
          problems.push(`${where}: server ${server} not in the M`);
        const modelTable = u.kind === 'model_table';
        if (modelTable !== (u.platform === 'powerbi' && u.server === null))
          problems.push(`${where}: model_table is powerbi without a server`);
        if (modelTable && !dataset.tables?.some((other) => other.name === u.table))
          problems.push(`${where}: no such table in the dataset`);
      }
    }
  }
  expect(problems.slice(0, 10)).toEqual([]);
});

test('about one dataset in ten has a real-world form, and every form is there', () => {
  const real = datasets.filter(({ dataset, built: b }) =>
    truthOf(b, dataset).some((t) => REAL_WORLD.test(t.form)),
  );
  const share = real.length / datasets.length;
  expect(share).toBeGreaterThan(0.08);
  expect(share).toBeLessThan(0.16);
  const forms = new Set(truth.map((t) => t.form));
  for (const form of [
    'as-structured-sqlserver',
    'as-structured-postgres',
    'as-structured-oracle',
    'model-reference',
    'model-cycle',
    'condition',
    'kusto-AzureDataExplorer.Contents',
    'kusto-Kusto.Contents',
    'kusto-AzureDataExplorer.Databases',
    'long-chain',
  ])
    expect(forms).toContain(form);
  const all = real.map(({ dataset }) => mTextOf(dataset)).join('\n');
  for (const needle of [
    ' database windows net;', // Azure host in a structured data source name
    'Table.NestedJoin(Source',
    'Table.Combine({',
    'Source = #"', // a reference to a table whose name needs quoting
    'Server = if Environment = ', // the condition as a step of the table
    'IsParameterQuery=true, List={"PROD", "DEV"}',
    '#(lf)| summarize',
  ])
    expect(all).toContain(needle);
  expect(datasets.some(({ dataset }) => dataset.expressions?.some((e) => e.name === 'Server'))).toBe(true);
});

test('long chains have 40 to 60 applied steps after the navigation', () => {
  const chains = datasets.flatMap(({ dataset, built: b }) =>
    truthOf(b, dataset)
      .filter((t) => t.form === 'long-chain')
      .map((t) => expressionOf(dataset, t.table)),
  );
  expect(chains.length).toBeGreaterThan(2);
  for (const m of chains) {
    const steps = m.split('\n').filter((line) => / = /.test(line) && line.startsWith('    ')).length;
    expect(steps - 2).toBeGreaterThanOrEqual(40);
    expect(steps - 2).toBeLessThanOrEqual(60);
  }
});

test('migrated and Kusto datasets use datasource instances that match what their M names', () => {
  let checked = 0;
  for (const { dataset, built: b } of datasets) {
    const used = new Set((dataset.datasourceUsages ?? []).map((u) => u.datasourceInstanceId));
    const instances = b.datasources.filter((d) => used.has(d.datasourceId));
    for (const t of truthOf(b, dataset)) {
      const type = t.form.startsWith('kusto-')
        ? 'AzureDataExplorer'
        : {
            'as-structured-sqlserver': 'Sql',
            'as-structured-postgres': 'PostgreSql',
            'as-structured-oracle': 'Oracle',
          }[t.form];
      if (type === undefined) continue;
      const u = t.upstreams[0]!;
      const match = instances.find(
        (d) =>
          d.datasourceType === type &&
          d.connectionDetails.server === u.server &&
          (type === 'Oracle' || d.connectionDetails.database === u.database),
      );
      expect({ table: t.table, match: match !== undefined }).toEqual({ table: t.table, match: true });
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(20);
});

test('a condition on a known parameter reads only the PROD server', () => {
  const conditions = datasets.flatMap(({ dataset, built: b }) =>
    truthOf(b, dataset).filter((t) => t.form === 'condition'),
  );
  expect(conditions.length).toBeGreaterThan(0);
  for (const t of conditions)
    expect(t.upstreams.map((u) => u.server)).toEqual([expect.stringMatching(/-prod[.-]/)]);
});

test('the tenant has two datasets with a deliberate two-table reference cycle', () => {
  for (const size of [60, 300]) {
    const cycles = new Tenant(options(7, size)).lineageTruth().filter((t) => t.form === 'model-cycle');
    expect(new Set(cycles.map((t) => t.datasetId)).size).toBe(2);
    for (const t of cycles) {
      expect(t.expectedDiagnostics).toEqual(['cyclic_reference']);
      const [other] = t.upstreams;
      expect(other?.kind).toBe('model_table');
      const back = cycles.find((c) => c.datasetId === t.datasetId && c.table === other?.table);
      expect(back?.upstreams[0]?.table).toBe(t.table);
    }
  }
});

test('same seed, same tenant and truth; another seed, another', () => {
  const again = new Tenant(options(7, 300));
  expect(JSON.stringify(again.lineageTruth())).toBe(JSON.stringify(truth));
  expect(builtAll(again).map((b) => JSON.stringify(b.workspace))).toEqual(
    built.map((b) => JSON.stringify(b.workspace)),
  );
  expect(JSON.stringify(new Tenant(options(8, 300)).lineageTruth())).not.toBe(JSON.stringify(truth));
});

test('the truth follows mutations and source overrides', () => {
  const t = new Tenant(options(7, 60));
  const before = new Set(t.lineageTruth().map((x) => x.datasetId));
  const result = t.mutate({ workspaces: 8, seed: 1 }, Date.parse('2026-11-29T09:00:00Z'));
  const added = result.changed.flatMap((c) => c.added);
  const after = t.lineageTruth();
  const addedWithTruth = added.filter((id) => !before.has(id) && after.some((x) => x.datasetId === id));
  expect(addedWithTruth.length).toBeGreaterThan(0);
  const deleted = new Set(result.deletedWorkspaces);
  expect(after.some((x) => deleted.has(x.workspaceId))).toBe(false);

  const workspace = t
    .listWorkspaces()
    .find((w) => w.state === 'Active' && t.lineageTruth().some((x) => x.workspaceId === w.id))!;
  const target = t.overrideTableSource(workspace.id, 'let Source = 1 in Source');
  expect(t.lineageTruth().some((x) => x.datasetId === target.datasetId && x.table === target.table)).toBe(
    false,
  );
});

test('the simulator never serves the truth', async () => {
  const sim = await startSimulator({ seed: 7, workspaces: 40, scanDurationMs: 0 });
  try {
    const token = await appToken(sim);
    const ids = sim.tenant.listWorkspaces().map((w) => w.id);
    expect(sim.tenant.lineageTruth().length).toBeGreaterThan(0);
    const flags =
      'lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True&getArtifactUsers=True';
    const info = await call(sim, 'POST', `${API}/admin/workspaces/getInfo?${flags}`, {
      token,
      body: { workspaces: ids },
    });
    const id = (info.json as { id: string }).id;
    const result = await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${id}`, { token });
    expect(result.status).toBe(200);
    expect(result.text).toContain('Sql.Database(');
    for (const needle of [
      'qualifiedName',
      'expectedDiagnostics',
      'unverifiable',
      '"upstreams"',
      'model_table',
    ])
      expect(result.text).not.toContain(needle);
  } finally {
    await sim.close();
  }
});
