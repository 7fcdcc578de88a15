/**
 * npm run bench: measures the connector against its limits on a generated tenant (docs/benchmark.md).
 * Progress on stderr; a table on stdout, then one JSON line with the figures.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measureJsonRoundTrip } from './bench/cpu-limit.js';
import { formatProfile, readProfile, summarizeProfile } from './bench/cpu-profile.js';
import { computeFigures, formatTable } from './bench/figures.js';
import { measureRead, type ReadMeasure } from './bench/measure-read.js';
import { parseOptions, USAGE, type BenchOptions } from './bench/options.js';
import { fetchScanResults } from './bench/scan-bytes.js';
import { startSimulatorProcess, type SimulatorProcess } from './bench/simulator-process.js';
import { benchReportDefinitions, formatReportBench } from './bench-report-definitions.js';
import { configureCatalog, type DiscoveredStream } from './demo/catalog.js';
import { latestStates, runConnector } from './demo/connector.js';

const progress = (line: string) => process.stderr.write(`${line}\n`);

/** The scan streams (those carrying `scannedAt`); usage streams make per-item calls and are left out. */
async function scanCatalog(configFile: string): Promise<unknown> {
  const run = await runConnector(['discover', '--config', configFile]);
  const catalog = run.messages.find((m) => m.type === 'CATALOG')?.catalog as { streams: DiscoveredStream[] };
  const scanStreams = catalog.streams.filter(
    (s) => (s.json_schema as { properties?: Record<string, unknown> }).properties?.scannedAt !== undefined,
  );
  return configureCatalog({ streams: scanStreams });
}

async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(value), { mode: 0o600 });
  return file;
}

type Comparison = { label: string; measure: ReadMeasure };

async function compareWithoutColumnLineage(
  sim: SimulatorProcess,
  dir: string,
  catalog: { streams: { stream: { name: string } }[] },
): Promise<Comparison> {
  const withoutColumnLineage = await writeJson(dir, 'catalog-no-column-lineage', {
    streams: catalog.streams.filter((s) => s.stream.name !== 'column_lineage'),
  });
  progress('[bench] compare: full read without the column_lineage stream (M parsed for tables only)');
  const args = ['--config', path.join(dir, 'config.json'), '--catalog', withoutColumnLineage];
  return { label: 'without column_lineage stream', measure: await measureRead(sim, args, dir, progress) };
}

async function compareRuns(
  sim: SimulatorProcess,
  dir: string,
  config: Record<string, unknown>,
  catalog: { streams: { stream: { name: string } }[] },
): Promise<Comparison[]> {
  const noExpressions = await writeJson(dir, 'config-no-expressions', {
    ...config,
    scan: { ...(config.scan as object), dataset_expressions: false },
  });
  const withoutLineage = await writeJson(dir, 'catalog-no-lineage', {
    streams: catalog.streams.filter((s) => s.stream.name !== 'lineage' && s.stream.name !== 'column_lineage'),
  });
  const configFile = path.join(dir, 'config.json');
  const catalogFile = path.join(dir, 'catalog.json');
  progress('[bench] compare: full read with scan.dataset_expressions = false (no M to parse)');
  const a = await measureRead(sim, ['--config', noExpressions, '--catalog', catalogFile], dir, progress);
  progress('[bench] compare: full read without the lineage and column_lineage streams (M not parsed)');
  const b = await measureRead(sim, ['--config', configFile, '--catalog', withoutLineage], dir, progress);
  return [
    { label: 'dataset_expressions=false', measure: a },
    { label: 'without lineage streams', measure: b },
    await compareWithoutColumnLineage(sim, dir, catalog),
  ];
}

async function bench(options: BenchOptions): Promise<void> {
  progress(
    `[bench] simulator: ${options.workspaces} workspaces, scan ${options.scanMs} ms, latency ${options.latencyMs} ms`,
  );
  const sim = await startSimulatorProcess(options);
  const dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-bench-'));
  try {
    const config = { ...sim.config, scan: { poll_interval_seconds: options.pollSeconds } };
    const configFile = await writeJson(dir, 'config', config);
    const catalog = (await scanCatalog(configFile)) as { streams: { stream: { name: string } }[] };
    const catalogFile = await writeJson(dir, 'catalog', catalog);

    progress('[bench] full read');
    const full = await measureRead(sim, ['--config', configFile, '--catalog', catalogFile], dir, progress);
    const stateFile = await writeJson(dir, 'state', latestStates(full.messages));

    const changes = Math.max(1, Math.ceil(options.workspaces / 100));
    const mutation = await sim.mutate({ workspaces: changes, seed: options.seed + 1 });
    progress(
      `[bench] changed ${changes} workspaces (${mutation.deletedWorkspaces.length} deleted, ${mutation.addedWorkspaces.length} added); incremental read`,
    );
    const incremental = await measureRead(
      sim,
      ['--config', configFile, '--catalog', catalogFile, '--state', stateFile],
      dir,
      progress,
    );
    const comparisons = options.compare
      ? await compareRuns(sim, dir, config, catalog)
      : options.compareColumnLineage
        ? [await compareWithoutColumnLineage(sim, dir, catalog)]
        : [];
    let profile = '';
    if (options.profile) {
      progress('[bench] profile: full read under node --cpu-prof');
      const profDir = path.join(dir, 'profile');
      const args = ['--config', configFile, '--catalog', catalogFile];
      await measureRead(sim, args, dir, progress, ['--cpu-prof', '--cpu-prof-dir', profDir]);
      profile = formatProfile(summarizeProfile(await readProfile(profDir), 12));
    }

    progress('[bench] CPU limit: fetching the same scan results once, then JSON.parse + JSON.stringify');
    const cpu = measureJsonRoundTrip(await fetchScanResults(sim));

    const figures = computeFigures(full, incremental, cpu, options.scanMs);
    process.stdout.write(
      `source-powerbi benchmark: ${options.workspaces} workspaces (seed ${options.seed}), scan ${options.scanMs} ms, ` +
        `poll ${options.pollSeconds} s, latency ${options.latencyMs} ms, node ${process.version}\n`,
    );
    process.stdout.write(formatTable(figures, full, incremental, cpu, comparisons));
    process.stdout.write(profile);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    const reportOptions = { reports: 1000, concurrency: 4, retryAfterSeconds: 0, seed: options.seed };
    const reportFigures = await benchReportDefinitions(reportOptions, progress);
    process.stdout.write(formatReportBench(reportFigures, reportOptions));
    process.stdout.write(`${JSON.stringify({ reportDefinitions: reportFigures })}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sim.close();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  await bench(options);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
