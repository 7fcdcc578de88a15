/**
 * `npm run demo` end to end: the demo drives the built CLI (check, discover, full read, incremental
 * read with the saved state) into DuckDB; the database must then hold exactly the tenant's current
 * truth, and the lineage picture must show it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runDemo, type DemoResult } from '../../scripts/demo/run-demo.js';
import { startSimulator, type MutationResult, type Simulator } from '../../simulator/index.js';
import { buildFabricItems, type BuiltFabric } from '../../simulator/tenant/fabric-items.js';
import { listGatewayClusters } from '../../simulator/tenant/gateways.js';
import { scanStreams } from '../../src/streams/registry.js';
import { applyRecords, currentView, type View } from '../helpers/destination.js';
import { catalogFor, primaryKeys, readOnce, type Message } from '../helpers/read-run.js';
import { repoRoot } from '../helpers/paths.js';

type Row = Record<string, unknown>;

async function tableRows(databaseFile: string, table: string): Promise<Row[]> {
  const instance = await DuckDBInstance.create(databaseFile, { access_mode: 'READ_ONLY' });
  const db = await instance.connect();
  try {
    const reader = await db.runAndReadAll(`SELECT * FROM "${table}"`);
    return reader.getRowObjectsJson();
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function keys(rows: Row[], stream: string): string[] {
  return rows.map((r) => JSON.stringify(primaryKeys[stream]!.map(([field]) => r[field!]))).sort();
}

function recordsOf(messages: Message[], stream: string): Row[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: Row }).data);
}

/** What the scan would return for every active shared workspace now: the tenant's truth. */
function tenantTruth(sim: Simulator) {
  const listed = sim.tenant.listWorkspaces().filter((w) => !w.isPersonal);
  const content = listed
    .filter((w) => w.state === 'Active')
    .map((w) => sim.tenant.workspace(w.id)!)
    .map((w) => ({ ...w, datasets: w.datasets ?? [], dashboards: w.dashboards ?? [] }));
  const datasets = content.flatMap((w) => w.datasets);
  const tables = datasets.flatMap((d) => (d.tables ?? []).map((t) => ({ d, t })));
  return {
    workspaces: listed.map((w) => JSON.stringify([w.id, w.state])).sort(),
    reports: content.flatMap((w) => (w.reports ?? []).map((r) => r.id)).sort(),
    dashboards: content.flatMap((w) => w.dashboards.map((d) => d.id)).sort(),
    dashboard_tiles: content
      .flatMap((w) => w.dashboards.flatMap((d) => (d.tiles ?? []).map((t) => JSON.stringify([d.id, t.id]))))
      .sort(),
    datasets: datasets.map((d) => d.id).sort(),
    tables: tables.map(({ d, t }) => JSON.stringify([d.id, t.name])).sort(),
    columns: tables
      .flatMap(({ d, t }) => (t.columns ?? []).map((c) => JSON.stringify([d.id, t.name, c.name])))
      .sort(),
    measures: tables
      .flatMap(({ d, t }) => (t.measures ?? []).map((m) => JSON.stringify([d.id, t.name, m.name])))
      .sort(),
    dataflows: content.flatMap((w) => (w.dataflows ?? []).map((d) => d.objectId)).sort(),
  };
}

/** The Fabric content of the active shared workspaces now (deleted workspaces have none). */
function fabricTruth(sim: Simulator): BuiltFabric['truth'] {
  const active = new Set(
    sim.tenant
      .listWorkspaces()
      .filter((w) => w.state === 'Active' && !w.isPersonal)
      .map((w) => w.id),
  );
  const truth: BuiltFabric['truth'] = { items: [], directLake: [], relations: [] };
  for (const sk of sim.tenant.ctx.skeletons.filter((s) => active.has(s.id))) {
    const built = buildFabricItems(sim.tenant.ctx, sk).truth;
    truth.items.push(...built.items);
    truth.directLake.push(...built.directLake);
    truth.relations.push(...built.relations);
  }
  return truth;
}

function countBy<T>(values: T[], key: (value: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[key(value)] = (counts[key(value)] ?? 0) + 1;
  return counts;
}

/** The box of a node of the Fabric picture: its tooltip and its label. */
function fabricBox(html: string, id: string): string | undefined {
  return new RegExp(`<g data-node="${id.replace(/[.]/g, '\\.')}">.*?</g>`).exec(html)?.[0];
}

describe('npm run demo', () => {
  let sim: Simulator;
  let outDir: string;
  let result: DemoResult;
  let mutation: MutationResult;
  const progress: string[] = [];
  let fresh: Message[];
  let freshView: View;

  beforeAll(async () => {
    // Seed 13: every Fabric item type the page draws and Direct Lake models; the changes delete a
    // shared workspace with datasets and Fabric items, and some reports elsewhere.
    sim = await startSimulator({ seed: 13, workspaces: 30, scanDurationMs: 50 });
    outDir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-demo-test-'));
    result = await runDemo({
      workspaces: 30,
      seed: 13,
      changes: 5,
      outDir,
      simulator: sim,
      progress: (line) => progress.push(line),
    });
    mutation = result.mutation;
    // An independent reference: a fresh full read after the changes, applied by the test's own helper.
    const read = await readOnce(
      { ...sim.config, scan: { poll_interval_seconds: 0.05 } },
      catalogFor('full_refresh'),
    );
    expect(read.code).toBe(0);
    fresh = read.messages;
    const tables: View = new Map();
    applyRecords(tables, fresh, primaryKeys);
    freshView = currentView(tables);
  }, 120_000);

  afterAll(async () => {
    await sim.close();
  });

  test('after the incremental read and the deletion rule, DuckDB holds exactly what the tenant holds now', async () => {
    const truth = tenantTruth(sim);
    const workspaces = await tableRows(result.databaseFile, 'workspaces');
    expect(workspaces.map((w) => JSON.stringify([w.id, w.state])).sort()).toEqual(truth.workspaces);
    for (const stream of [
      'reports',
      'dashboards',
      'dashboard_tiles',
      'datasets',
      'tables',
      'columns',
      'measures',
      'dataflows',
    ] as const) {
      const rows = await tableRows(result.databaseFile, stream);
      const expected = truth[stream];
      const actual =
        primaryKeys[stream]!.length === 1
          ? rows.map((r) => String(r[primaryKeys[stream]![0]![0]!])).sort()
          : keys(rows, stream);
      expect({ stream, count: actual.length }).toEqual({ stream, count: expected.length });
      expect({ stream, keys: actual }).toEqual({ stream, keys: expected });
    }
    // The demo changed something the incremental read had to delete: a whole workspace.
    expect(mutation.deletedWorkspaces).toHaveLength(1);
    expect(workspaces.find((w) => w.id === mutation.deletedWorkspaces[0])?.state).toBe('Deleted');
  });

  test('every scan stream in DuckDB equals a fresh full read of the changed tenant, key for key', async () => {
    for (const stream of scanStreams) {
      const rows = await tableRows(result.databaseFile, stream.name);
      const expected = [...(freshView.get(stream.name)?.keys() ?? [])].sort();
      expect({ stream: stream.name, keys: keys(rows, stream.name) }).toEqual({
        stream: stream.name,
        keys: expected,
      });
    }
  });

  test('the incremental read re-scanned only changed workspaces and its deletions were applied, not only appended', async () => {
    const deletedWorkspace = mutation.deletedWorkspaces[0]!;
    // Reports the simulator deleted inside workspaces that still exist: loaded first, gone now.
    const firstReports = (await readFile(path.join(outDir, 'sync-1', 'reports.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => String((JSON.parse(line) as Row).id));
    const deletedReports = mutation.changed
      .flatMap((c) => c.deleted)
      .filter((id) => firstReports.includes(id));
    expect(deletedReports.length).toBeGreaterThan(0);
    const reportsNow = new Set((await tableRows(result.databaseFile, 'reports')).map((r) => String(r.id)));
    expect(deletedReports.filter((id) => reportsNow.has(id))).toEqual([]);
    const firstSync = await readFile(path.join(outDir, 'sync-1', 'datasets.jsonl'), 'utf8');
    const hadDatasets = firstSync
      .split('\n')
      .some((line) => line.includes(`"workspaceId":"${deletedWorkspace}"`));
    expect(hadDatasets).toBe(true);
    const datasets = await tableRows(result.databaseFile, 'datasets');
    expect(datasets.filter((d) => d.workspaceId === deletedWorkspace)).toEqual([]);
    expect(result.incremental.changes.get('datasets')!.deleted).toBeGreaterThan(0);
    const personal = new Set(
      sim.tenant
        .listWorkspaces()
        .filter((w) => w.isPersonal)
        .map((w) => w.id),
    );
    const touched = [
      ...mutation.changed.map((c) => c.workspaceId),
      ...mutation.deletedWorkspaces,
      ...mutation.addedWorkspaces,
    ].filter((id) => !personal.has(id));
    const rescanned = (await readFile(path.join(outDir, 'sync-2', 'workspaces.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => String((JSON.parse(line) as Row).id));
    expect(rescanned).toEqual(expect.arrayContaining(touched));
    expect(rescanned).toHaveLength(result.incremental.workspacesScanned);
    expect(rescanned.length).toBeLessThan(result.full.records.workspaces! / 2);
    const rowsNow = (await tableRows(result.databaseFile, 'reports')).length;
    expect(result.rows.get('reports')).toBe(rowsNow);
  });

  test('the top upstream warehouse table has as many dependent reports as the records say', () => {
    const reportsOfDataset = new Map<string, Set<string>>();
    const lineage = [...freshView.get('lineage')!.values()];
    for (const e of lineage.filter((e) => e.relation === 'datasetId' && e.sourceType === 'report')) {
      const dataset = String(e.targetId).toLowerCase();
      reportsOfDataset.set(dataset, (reportsOfDataset.get(dataset) ?? new Set()).add(String(e.sourceId)));
    }
    const reportsOfTable = new Map<string, Set<string>>();
    for (const e of lineage.filter((e) => e.relation === 'source' && e.targetType === 'external_table')) {
      const up = e.upstream as {
        platform: string;
        server: string | null;
        database: string;
        qualifiedName: string;
      };
      const key = `${up.platform}|${up.server ?? up.database}|${up.qualifiedName}`.toLowerCase();
      const set = reportsOfTable.get(key) ?? new Set<string>();
      for (const r of reportsOfDataset.get(String(e.sourceId).toLowerCase()) ?? []) set.add(r);
      reportsOfTable.set(key, set);
    }
    const most = Math.max(...[...reportsOfTable.values()].map((s) => s.size));
    expect(result.top.length).toBeGreaterThan(0);
    expect(result.top[0]!.reports).toBe(most);
  });

  test('the lineage picture is a self-contained page naming a warehouse table that feeds a report', async () => {
    const html = await readFile(result.htmlFile, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    const lineage = recordsOf(fresh, 'lineage');
    const withReport = new Set(
      lineage.filter((e) => e.sourceType === 'report').map((e) => String(e.targetId).toLowerCase()),
    );
    const edge = lineage.find(
      (e) => e.targetType === 'external_table' && withReport.has(String(e.sourceId).toLowerCase()),
    );
    const table = (edge?.upstream as { table: string } | undefined)?.table;
    expect(table).toBeDefined();
    expect(html).toContain(table);
  });

  test('the column view shows, for a warehouse table that feeds a report, a column and the model column it loads', async () => {
    const html = await readFile(result.htmlFile, 'utf8');
    expect(html).toContain('<h2>Column lineage</h2>');
    const withReport = new Set(
      recordsOf(fresh, 'lineage')
        .filter((e) => e.relation === 'datasetId' && e.sourceType === 'report')
        .map((e) => String(e.targetId).toLowerCase()),
    );
    const loads = recordsOf(fresh, 'column_lineage').filter(
      (row) => row.upstreamKind === 'warehouse_column' && withReport.has(String(row.datasetId).toLowerCase()),
    );
    const shown = loads.find((row) => {
      const upstream = row.upstream as { qualifiedName: string; column: string };
      return html.includes(`${upstream.qualifiedName} <span`) && html.includes(`<td>${upstream.column}</td>`);
    });
    expect(shown).toBeDefined();
    expect(html).toContain(`${String(shown!.tableName)}[${String(shown!.name)}]`);
  });

  test('the column view names the visuals that show a model column, as report_visuals records them', async () => {
    const html = await readFile(result.htmlFile, 'utf8');
    expect(html).toContain('visuals showing them');
    const loaded = new Set(
      recordsOf(fresh, 'column_lineage')
        .filter((row) => row.upstreamKind === 'warehouse_column')
        .map((row) => `${String(row.datasetId).toLowerCase()}|${String(row.tableName)}|${String(row.name)}`),
    );
    // The demo turns report definitions on; the first sync's staging file holds what it read.
    const visuals = (await readFile(path.join(outDir, 'sync-1', 'report_visuals.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Row);
    expect(visuals.length).toBeGreaterThan(0);
    const showing = visuals.filter((visual) =>
      (visual.fields as { table?: string; column?: string }[]).some((f) =>
        loaded.has(`${String(visual.datasetId).toLowerCase()}|${f.table}|${f.column}`),
      ),
    );
    expect(showing.length).toBeGreaterThan(0);
    // At least one of them is listed by its page (only the warehouse tables most used by reports are on the page).
    expect(showing.some((visual) => html.includes(` / ${String(visual.pageName)} / `))).toBe(true);
  });

  test('fabric_items holds the Fabric items of the tenant now, and the summary counts them by type', async () => {
    const truth = fabricTruth(sim);
    // The test tenant has every item type the page draws, so each is checked below.
    const arrays = countBy(truth.items, (i) => i.scanArray);
    for (const scanArray of ['Lakehouse', 'SQLAnalyticsEndpoint', 'warehouses', 'KQLDatabase', 'Eventhouse'])
      expect({ scanArray, present: (arrays[scanArray] ?? 0) > 0 }).toEqual({ scanArray, present: true });
    const rows = await tableRows(result.databaseFile, 'fabric_items');
    const key = (r: { scanArray?: unknown; id?: unknown }) => `${String(r.scanArray)}|${String(r.id)}`;
    expect(rows.map(key).sort()).toEqual(truth.items.map(key).sort());
    expect(countBy(rows, (r) => String(r.scanArray))).toEqual(arrays);
    // The deleted workspace had Fabric items: loaded by the first sync, gone after the second.
    const deleted = mutation.deletedWorkspaces[0]!;
    const firstSync = await readFile(path.join(outDir, 'sync-1', 'fabric_items.jsonl'), 'utf8');
    expect(firstSync).toContain(`"workspaceId":"${deleted}"`);
    expect(rows.filter((r) => r.workspaceId === deleted)).toEqual([]);
    // The summary's counts by type are the table's.
    const byType = countBy(rows, (r) => String(r.type));
    expect(Object.fromEntries(result.fabric.byType.map((t) => [t.type, t.items]))).toEqual(byType);
    const models = new Set(truth.directLake.map((d) => d.datasetId));
    expect(result.fabric.directLake).toMatchObject({ models: models.size, tables: truth.directLake.length });
  });

  test('gateways holds every gateway of the tenant with its datasources, as the summary shows them', async () => {
    const clusters = listGatewayClusters(sim.tenant.ctx);
    const rows = await tableRows(result.databaseFile, 'gateways');
    expect(rows.map((r) => String(r.id)).sort()).toEqual(clusters.map((c) => c.id.toLowerCase()).sort());
    const datasources = [...(freshView.get('datasources')?.values() ?? [])];
    for (const cluster of clusters) {
      const row = rows.find((r) => r.id === cluster.id.toLowerCase())!;
      const apiIds = JSON.parse(String(row.apiDatasourceIds)) as string[];
      expect(apiIds.sort()).toEqual(cluster.datasources.map((d) => String(d.datasourceId)).sort());
      const shown = result.gateways.find((g) => g.id === row.id)!;
      const inUse = datasources.filter((d) => String(d.gatewayId).toLowerCase() === row.id);
      expect({ label: shown.label, inUse: shown.inUse.length }).toEqual({
        label: cluster.name,
        inUse: inUse.length,
      });
      const bound = new Set([
        ...(JSON.parse(String(row.datasourceIds)) as string[]).map((id) => id.toLowerCase()),
        ...inUse.map((d) => String(d.datasourceId).toLowerCase()),
      ]);
      expect(shown.bound).toBe(bound.size);
      expect(shown.bound).toBeGreaterThanOrEqual(cluster.datasources.length);
    }
    expect(result.gateways.some((g) => g.inUse.length > 0)).toBe(true);
  });

  test('the lineage page draws the Fabric items and every Direct Lake path: lakehouse → SQL endpoint → table → model', async () => {
    const html = await readFile(result.htmlFile, 'utf8');
    const truth = fabricTruth(sim);
    const workspaceName = new Map(sim.tenant.listWorkspaces().map((w) => [w.id, w.name]));
    const labels: Record<string, string> = {
      Lakehouse: 'Lakehouse',
      SQLAnalyticsEndpoint: 'SQL endpoint',
      warehouses: 'Warehouse',
      KQLDatabase: 'KQL database',
      Eventhouse: 'Eventhouse',
    };
    const drawn = truth.items.filter((i) => labels[i.scanArray] !== undefined);
    for (const item of drawn) {
      const title = `<title>${labels[item.scanArray]} ${item.name} (workspace ${workspaceName.get(item.workspaceId)})`;
      expect(fabricBox(html, item.id)).toContain(title);
    }
    const dependsOn = new Map(truth.relations.map((r) => [r.sourceId, r.targetId]));
    expect(truth.directLake.length).toBeGreaterThan(0);
    for (const table of truth.directLake) {
      const endpoint = dependsOn.get(table.datasetId)!;
      const lakehouse = dependsOn.get(endpoint)!;
      const qualified = table.qualifiedName.toLowerCase();
      const path = [lakehouse, endpoint, qualified, table.datasetId];
      const edges = path.slice(1).map((to, i) => `data-edge="${path[i]}&#62;${to}"`);
      expect({ table: qualified, missing: edges.filter((e) => !html.includes(e)) }).toEqual({
        table: qualified,
        missing: [],
      });
      expect(fabricBox(html, qualified)).toContain(`>dbo.${table.table}<`);
    }
    const types = /<p class="counts" id="fabric-types">([^<]*)<\/p>/.exec(html)?.[1] ?? '';
    for (const { type, items } of result.fabric.byType) expect(types).toContain(`${items} ${type}`);
  });

  test('the lineage page names the gateway each datasource goes through', async () => {
    const html = await readFile(result.htmlFile, 'utf8');
    const clusters = listGatewayClusters(sim.tenant.ctx);
    for (const cluster of clusters) {
      const row = new RegExp(`<tr data-gateway="${cluster.id.toLowerCase()}">.*?</tr>`).exec(html)?.[0];
      expect(row).toContain(`<td>${cluster.name}</td>`);
    }
    // Warehouse panels: a server whose pooled datasource is bound to a gateway names that gateway.
    const pooled = [...sim.tenant.ctx.pool.byFamily.entries()]
      .filter(([family]) => ['sql', 'postgres', 'mysql'].includes(family))
      .flatMap(([, sources]) => sources)
      .filter((source) => source.instance.gatewayId !== undefined);
    const panelCounts = (server: string) =>
      new RegExp(`</span> ${server.replace(/[.]/g, '\\.')}</h2><p class="counts">([^<]*)</p>`).exec(
        html,
      )?.[1];
    const shown = pooled.filter((source) => panelCounts(source.host) !== undefined);
    expect(shown.length).toBeGreaterThan(0);
    for (const source of shown) {
      const gateway = clusters.find((c) => c.id === source.instance.gatewayId)!;
      expect(`${source.host}: ${panelCounts(source.host)}`).toContain(gateway.name);
    }
  });

  test('progress goes to the progress channel step by step', () => {
    expect(progress.filter((l) => /^\[demo \d\/7\]/.test(l))).toHaveLength(7);
    expect(progress.some((l) => l.includes('scan:'))).toBe(true);
  });

  test('the command: stdout has the summary, stderr the progress, and the files are written', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'source-powerbi-demo-cli-'));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/demo.ts', '--workspaces', '8', '--changes', '2', '--out', out],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    expect(stderr).toContain('[demo 7/7]');
    expect(stdout).not.toContain('[demo');
    for (const stream of scanStreams) expect(stdout).toMatch(new RegExp(`^${stream.name} +\\d+`, 'm'));
    expect(stdout).toMatch(/^Gateways \(/m);
    expect(await readdir(out)).toEqual(expect.arrayContaining(['demo.duckdb', 'lineage.html', 'state.json']));
    expect(existsSync(path.join(out, 'lineage.html'))).toBe(true);
  }, 90_000);
});
