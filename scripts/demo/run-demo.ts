/**
 * The demo: the connector's main job against a simulated tenant, driven exactly as Airbyte drives it
 * (check, discover, a full read, an incremental read with the saved state), into a DuckDB destination
 * with Append + Deduped and the documented deletion rule, then a lineage picture.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type MutationResult, type Simulator } from '../../simulator/index.js';
import { configureCatalog, tablesFor, type DiscoveredStream } from './catalog.js';
import { latestStates, runConnector, traceError, type Message } from './connector.js';
import { Destination, type TableChange } from './destination.js';
import { rowCounts, topUpstreamTables, type UpstreamTable } from './insights.js';
import { readColumnView } from './column-view.js';
import {
  directLakeCounts,
  fabricItemsByType,
  readFabricGraph,
  type FabricTypeCount,
} from './fabric-graph.js';
import { readDatasourceGateways, readGateways, type GatewaySummary } from './gateway-insights.js';
import { readLineageGraph } from './lineage-graph.js';
import { renderLineageHtml } from './lineage-html.js';
import { openRecordFiles } from './record-files.js';

export interface DemoOptions {
  workspaces: number;
  seed: number;
  /** How many workspaces the simulator changes before the incremental read. */
  changes: number;
  outDir: string;
  progress: (line: string) => void;
  /** Use this simulator (left running) instead of starting one. */
  simulator?: Simulator;
}

export interface SyncResult {
  seconds: number;
  records: Record<string, number>;
  workspacesScanned: number;
  changes: Map<string, TableChange>;
}

export interface DemoResult {
  simulatorUrl: string;
  check: { status: string; message: string };
  streams: string[];
  full: SyncResult;
  incremental: SyncResult;
  mutation: MutationResult;
  rows: Map<string, number>;
  top: UpstreamTable[];
  fabric: { byType: FabricTypeCount[]; directLake: ReturnType<typeof directLakeCounts> };
  gateways: GatewaySummary[];
  databaseFile: string;
  htmlFile: string;
}

type Step = (text: string) => void;

async function checkConnection(configFile: string, step: Step, progress: Step): Promise<DemoResult['check']> {
  step('check: signing in and probing the tenant');
  const run = await runConnector(['check', '--config', configFile], {
    onStderr: (l) => progress(`  │ ${l}`),
  });
  const status = run.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus as
    { status: string; message?: string } | undefined;
  if (!status) {
    const why = traceError(run.messages) ?? `exit code ${String(run.code)}`;
    progress(`  │ check gave no connection status (${why}); going on`);
    return { status: 'UNAVAILABLE', message: why };
  }
  if (status.status !== 'SUCCEEDED') throw new Error(`check failed: ${status.message ?? ''}`);
  return { status: status.status, message: status.message ?? '' };
}

async function discover(configFile: string, step: Step): Promise<{ streams: DiscoveredStream[] }> {
  step('discover: listing streams and their schemas');
  const run = await runConnector(['discover', '--config', configFile]);
  const catalog = run.messages.find((m) => m.type === 'CATALOG')?.catalog as
    { streams: DiscoveredStream[] } | undefined;
  if (run.code !== 0 || !catalog) throw new Error(`discover failed: ${traceError(run.messages) ?? ''}`);
  return catalog;
}

async function read(
  args: string[],
  syncDir: string,
  sync: number,
  destination: Destination,
  progress: Step,
): Promise<{ result: SyncResult; messages: Message[] }> {
  const started = Date.now();
  const files = await openRecordFiles(syncDir, sync);
  const run = await runConnector(['read', ...args], {
    onRecord: (stream, data) => files.write(stream, data),
    onMessage: (m) => {
      if (m.type === 'LOG') progress(`  │ ${(m.log as { message: string }).message}`);
    },
    onStderr: (l) => progress(`  │ ${l}`),
  });
  const written = await files.close();
  if (run.code !== 0)
    throw new Error(`read failed: ${traceError(run.messages) ?? `exit ${String(run.code)}`}`);
  const seconds = (Date.now() - started) / 1000;
  progress(`  │ ${run.records} records in ${seconds.toFixed(1)} s; loading into DuckDB`);
  const changes = await destination.applySync(written);
  return {
    result: {
      seconds,
      records: run.recordsPerStream,
      workspacesScanned: run.recordsPerStream.workspaces ?? 0,
      changes,
    },
    messages: run.messages,
  };
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { progress } = options;
  let n = 0;
  const step: Step = (text) => progress(`[demo ${++n}/7] ${text}`);
  step(`starting the Power BI + Entra ID simulator: ${options.workspaces} workspaces (seed ${options.seed})`);
  const sim =
    options.simulator ??
    (await startSimulator({ seed: options.seed, workspaces: options.workspaces, scanDurationMs: 300 }));
  const inputs = await mkdtemp(path.join(tmpdir(), 'source-powerbi-demo-'));
  try {
    await mkdir(options.outDir, { recursive: true });
    const configFile = path.join(inputs, 'config.json');
    // Report definitions are opt-in; the demo turns them on so its page can show the visuals.
    const config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.1 },
      report_definitions: { ...(sim.config.report_definitions as Record<string, unknown>), enabled: true },
    };
    await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
    const check = await checkConnection(configFile, step, progress);
    const catalog = configureCatalog(await discover(configFile, step));
    const catalogFile = path.join(options.outDir, 'catalog.json');
    await writeFile(catalogFile, JSON.stringify(catalog, null, 2));
    progress(`  │ ${catalog.streams.length} streams, all Incremental | Append + Deduped where supported`);

    const databaseFile = path.join(options.outDir, 'demo.duckdb');
    const destination = await Destination.create(databaseFile);
    try {
      await destination.createTables(tablesFor(catalog));
      step('read: full sync of every stream');
      const full = await read(
        ['--config', configFile, '--catalog', catalogFile],
        path.join(options.outDir, 'sync-1'),
        1,
        destination,
        progress,
      );
      const stateFile = path.join(options.outDir, 'state.json');
      await writeFile(stateFile, JSON.stringify(latestStates(full.messages), null, 2));

      step(`changing ${options.changes} workspaces in the simulator (edits, new items, deletions)`);
      const mutation = sim.mutate({ workspaces: options.changes, seed: options.seed + 1 });
      progress(`  │ ${describeMutation(mutation)}`);

      step('read: incremental sync with the saved state');
      const incremental = await read(
        ['--config', configFile, '--catalog', catalogFile, '--state', stateFile],
        path.join(options.outDir, 'sync-2'),
        2,
        destination,
        progress,
      );
      await writeFile(stateFile, JSON.stringify(latestStates(incremental.messages), null, 2));

      step('lineage: top upstream tables and the lineage picture');
      const streams = catalog.streams.map((s) => s.stream.name);
      const rows = await rowCounts(destination, streams);
      const top = await topUpstreamTables(destination, 10);
      const graph = await readLineageGraph(destination);
      const columns = await readColumnView(destination);
      const fabricGraph = await readFabricGraph(destination);
      const fabric = {
        byType: await fabricItemsByType(destination),
        directLake: directLakeCounts(fabricGraph),
      };
      const gateways = await readGateways(destination);
      const htmlFile = path.join(options.outDir, 'lineage.html');
      const html = renderLineageHtml(graph, {
        title: 'Power BI lineage: warehouse tables → datasets → reports and dashboards',
        subtitle:
          `Demo tenant (simulated): ${options.workspaces} workspaces, seed ${options.seed}. ` +
          `${graph.tables.length} warehouse tables feed ${graph.datasets.length} datasets used by ` +
          `${graph.consumers.length} reports and dashboards; ${describeFabric(fabric)}; ` +
          `${gateways.length} gateway(s). Built by source-powerbi from its own records.`,
        top,
        columns,
        fabric: { graph: fabricGraph, types: fabric.byType },
        gateways,
        datasourceGateways: await readDatasourceGateways(destination),
      });
      await writeFile(htmlFile, html);
      return {
        simulatorUrl: sim.url,
        check,
        streams,
        full: full.result,
        incremental: incremental.result,
        mutation,
        rows,
        top,
        fabric,
        gateways,
        databaseFile,
        htmlFile,
      };
    } finally {
      await destination.close();
    }
  } finally {
    await rm(inputs, { recursive: true, force: true });
    if (!options.simulator) await sim.close();
  }
}

export function describeMutation(mutation: MutationResult): string {
  const items = mutation.changed.reduce(
    (sum, c) => ({
      changed: sum.changed + c.changed.length,
      added: sum.added + c.added.length,
      deleted: sum.deleted + c.deleted.length,
    }),
    { changed: 0, added: 0, deleted: 0 },
  );
  return (
    `${mutation.changed.length} workspace(s) edited (${items.changed} items changed, ${items.added} added, ` +
    `${items.deleted} deleted), ${mutation.deletedWorkspaces.length} workspace(s) deleted, ` +
    `${mutation.addedWorkspaces.length} added`
  );
}

export function describeFabric(fabric: DemoResult['fabric']): string {
  const items = fabric.byType.reduce((sum, t) => sum + t.items, 0);
  const { models, tables, endpoints } = fabric.directLake;
  return (
    `${items} Fabric item(s); ${models} Direct Lake model(s) read ${tables} table(s) of ` +
    `${endpoints} SQL endpoint(s) or warehouse(s)`
  );
}
