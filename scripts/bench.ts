/**
 * npm run bench: measures the connector against its limits on a generated tenant (docs/benchmark.md).
 * Progress on stderr; a table on stdout, then one JSON line with the figures.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BudgetLedger,
  HOUR_MS,
  overBudget,
  plannedScanCalls,
  pollPlan,
  scanBatches,
  type Calls,
} from './bench/api-budget.js';
import { measureJsonRoundTrip, type CpuLimit } from './bench/cpu-limit.js';
import { formatThreadProfiles, readProfiles } from './bench/cpu-profile.js';
import { formatGcCrossCheck } from './bench/gc-cross-check.js';
import { computeFigures, formatTable, type Reads, type RunSettings } from './bench/figures.js';
import { measureRead, type ReadMeasure, type ReadTarget } from './bench/measure-read.js';
import {
  formatPerf,
  perfAvailable,
  perfRecordPrefix,
  summarizePerf,
  type PerfSummary,
} from './bench/perf-profile.js';
import { parseOptions, USAGE, type BenchOptions } from './bench/options.js';
import { runCli } from './bench/run-cli.js';
import { fetchScanResults } from './bench/scan-bytes.js';
import { startSimulatorProcess, type SimulatorProcess } from './bench/simulator-process.js';
import { benchReportDefinitions, formatReportBench } from './bench-report-definitions.js';
import { configureCatalog, type DiscoveredStream } from './demo/catalog.js';
import { cliPath, latestStates } from './demo/connector.js';

const progress = (line: string) => process.stderr.write(`${line}\n`);

type Catalog = { streams: { stream: { name: string } }[] };
const LINEAGE_STREAMS = new Set(['lineage', 'column_lineage']);

/** The scan streams (those carrying `scannedAt`) of one build; usage streams make per-item calls and are left out. */
async function scanCatalog(cli: string, configFile: string): Promise<Catalog> {
  const run = await runCli({ cliPath: cli, args: ['discover', '--config', configFile] });
  const catalog = run.messages.find((m) => m.type === 'CATALOG')?.catalog as
    { streams: DiscoveredStream[] } | undefined;
  if (!catalog) throw new Error(`${cli} discover gave no catalog (exit ${String(run.code)})`);
  const scanStreams = catalog.streams.filter(
    (s) => (s.json_schema as { properties?: Record<string, unknown> }).properties?.scannedAt !== undefined,
  );
  return configureCatalog({ streams: scanStreams });
}

function without(catalog: Catalog, names: (name: string) => boolean): Catalog {
  return { streams: catalog.streams.filter((s) => !names(s.stream.name)) };
}

async function writeJson(dir: string, name: string, value: unknown): Promise<string> {
  const file = path.join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(value), { mode: 0o600 });
  return file;
}

type Comparison = { label: string; measure: ReadMeasure };

/**
 * Every read (and the fetch of the scan results) through one place: it keeps the run inside Power
 * BI's hourly budgets by moving the simulator's clock on before a read that would not fit.
 */
class Session {
  private readonly ledger = new BudgetLedger();

  constructor(
    readonly sim: SimulatorProcess,
    readonly dir: string,
    private readonly perRead: Calls,
  ) {}

  async read(
    what: string,
    cli: string,
    args: string[],
    wrap: Pick<ReadTarget, 'nodeOptions' | 'outerPrefix'> = {},
  ): Promise<ReadMeasure> {
    await this.makeRoom(what, this.perRead);
    progress(`[bench] ${what}`);
    const measure = await measureRead(this.sim, { cliPath: cli, args, ...wrap }, this.dir, progress);
    this.ledger.add(measure.calls);
    return measure;
  }

  async fetchScanResults(pollS: number): Promise<Buffer[]> {
    await this.makeRoom('fetch of the scan results', this.perRead);
    const before = await this.sim.stats();
    const bodies = await fetchScanResults(this.sim, pollS);
    const after = await this.sim.stats();
    this.ledger.add(
      Object.fromEntries(Object.entries(after.requests).map(([k, n]) => [k, n - (before.requests[k] ?? 0)])),
    );
    return bodies;
  }

  private async makeRoom(what: string, planned: Calls): Promise<void> {
    if (this.ledger.fits(planned)) return;
    progress(
      `[bench] ${what}: the hourly API budgets are spent; the simulator's clock moves 1 h on (a sync an hour later)`,
    );
    await this.sim.advanceClock(HOUR_MS);
    this.ledger.newHour();
  }
}

/** One build's catalogs: every scan stream, and the metadata path (no lineage streams). */
async function catalogFiles(cli: string, configFile: string, dir: string, name: string) {
  const catalog = await scanCatalog(cli, configFile);
  return {
    catalog,
    all: await writeJson(dir, `${name}-catalog`, catalog),
    metadata: await writeJson(
      dir,
      `${name}-catalog-metadata`,
      without(catalog, (n) => LINEAGE_STREAMS.has(n)),
    ),
  };
}

async function compareRuns(
  session: Session,
  config: Record<string, unknown>,
  ours: { catalog: Catalog; all: string },
  metadata: ReadMeasure,
  columnLineageOnly: boolean,
): Promise<Comparison[]> {
  const { dir } = session;
  const configFile = path.join(dir, 'config.json');
  const withoutColumnLineage = await writeJson(
    dir,
    'catalog-no-column-lineage',
    without(ours.catalog, (n) => n === 'column_lineage'),
  );
  const noColumnLineage = {
    label: 'without column_lineage stream',
    measure: await session.read(
      'compare: full read without the column_lineage stream (M parsed for tables only)',
      cliPath,
      ['--config', configFile, '--catalog', withoutColumnLineage],
    ),
  };
  if (columnLineageOnly) return [noColumnLineage];
  const noExpressions = await writeJson(dir, 'config-no-expressions', {
    ...config,
    scan: { ...(config.scan as object), dataset_expressions: false },
  });
  const a = await session.read(
    'compare: full read with scan.dataset_expressions = false (no M to parse)',
    cliPath,
    ['--config', noExpressions, '--catalog', ours.all],
  );
  return [
    { label: 'dataset_expressions=false', measure: a },
    { label: 'without lineage streams', measure: metadata },
    noColumnLineage,
  ];
}

async function profileRead(session: Session, args: string[]): Promise<string> {
  const profDir = path.join(session.dir, 'profile');
  const measure = await session.read(
    'profile: full read under node --cpu-prof (every thread)',
    cliPath,
    args,
    { nodeOptions: ['--cpu-prof', '--cpu-prof-dir', profDir] },
  );
  const profiles = await readProfiles(profDir);
  return formatThreadProfiles(profiles) + formatGcCrossCheck(measure, profiles);
}

async function perfRead(session: Session, args: string[]): Promise<PerfSummary | undefined> {
  if (!perfAvailable()) {
    progress('[bench] --perf: no perf command on this machine; skipped');
    return undefined;
  }
  const file = path.join(session.dir, 'perf.data');
  const measure = await session.read(
    'perf: full read under perf record -e cpu-clock (every thread)',
    cliPath,
    args,
    {
      outerPrefix: perfRecordPrefix(file),
    },
  );
  const pid = measure.threads?.pid;
  if (pid === undefined) throw new Error('--perf: the connector did not report its process id');
  return summarizePerf(file, pid, measure.threads?.perThread ?? []);
}

function warnIfOverBudget(planned: Calls, options: BenchOptions): void {
  const over = overBudget(planned);
  if (over.length === 0) return;
  progress(
    `[bench] warning: one read needs more ${over.join(', ')} calls than Power BI allows per hour ` +
      `(${over.map((e) => `${e} ${planned[e]}`).join(', ')}): it will be throttled` +
      (over.includes('scanStatus') ? `; raise --poll-s (now ${options.pollSeconds} s)` : ''),
  );
}

async function baselineReads(session: Session, cli: string, configFile: string, ours: Catalog) {
  const files = await catalogFiles(cli, configFile, session.dir, 'baseline');
  const names = (c: Catalog) => new Set(c.streams.map((s) => s.stream.name));
  const onlyOurs = [...names(ours)].filter((n) => !names(files.catalog).has(n));
  if (onlyOurs.length > 0) progress(`[bench] baseline lacks these scan streams: ${onlyOurs.join(', ')}`);
  const full = await session.read(`baseline full read (${cli})`, cli, [
    '--config',
    configFile,
    '--catalog',
    files.all,
  ]);
  const metadata = await session.read('baseline metadata read (no lineage streams)', cli, [
    '--config',
    configFile,
    '--catalog',
    files.metadata,
  ]);
  return { cli, full, metadata };
}

interface Setup {
  session: Session;
  config: Record<string, unknown>;
  configFile: string;
  ours: Awaited<ReturnType<typeof catalogFiles>>;
}

interface Measured {
  reads: Reads;
  cpu: CpuLimit;
  comparisons: Comparison[];
  profile: string;
}

/** Full, baseline and metadata reads on the same tenant, the CPU limit of its bytes, then the incremental read. */
async function measureReads(
  options: BenchOptions,
  { session, config, configFile, ours }: Setup,
): Promise<Measured> {
  const fullArgs = ['--config', configFile, '--catalog', ours.all];
  const full = await session.read('full read', cliPath, fullArgs);
  const stateFile = await writeJson(session.dir, 'state', latestStates(full.messages));
  const baseline = options.baselineCli
    ? await baselineReads(session, options.baselineCli, configFile, ours.catalog)
    : undefined;
  const metadata = await session.read(
    'metadata read: without the lineage and column_lineage streams',
    cliPath,
    ['--config', configFile, '--catalog', ours.metadata],
  );
  progress(
    '[bench] CPU limit: fetching the same scan results once, then JSON.parse + JSON.stringify (CPU time)',
  );
  const cpu = measureJsonRoundTrip(await session.fetchScanResults(options.pollSeconds));

  const changes = Math.max(1, Math.ceil(options.workspaces / 100));
  const mutation = await session.sim.mutate({ workspaces: changes, seed: options.seed + 1 });
  const incremental = await session.read(
    `changed ${changes} workspaces (${mutation.deletedWorkspaces.length} deleted, ${mutation.addedWorkspaces.length} added); incremental read`,
    cliPath,
    [...fullArgs, '--state', stateFile],
  );
  const comparisons =
    options.compare || options.compareColumnLineage
      ? await compareRuns(session, config, ours, metadata, !options.compare)
      : [];
  const profile = options.profile ? await profileRead(session, fullArgs) : '';
  const perf = options.perf ? await perfRead(session, fullArgs) : undefined;
  const reads: Reads = { full, incremental, metadata, ...(baseline && { baseline }), ...(perf && { perf }) };
  return { reads, cpu, comparisons, profile };
}

function printFigures(options: BenchOptions, { reads, cpu, comparisons, profile }: Measured): void {
  const settings: RunSettings = {
    scanMs: options.scanMs,
    pollSeconds: options.pollSeconds,
    realistic: options.realistic,
  };
  const figures = computeFigures(reads, cpu, settings);
  process.stdout.write(
    `source-powerbi benchmark: ${options.workspaces} workspaces (seed ${options.seed}), scan ${options.scanMs} ms, ` +
      `poll ${options.pollSeconds} s${options.realistic ? ' (realistic)' : ''}, latency ${options.latencyMs} ms, node ${process.version}\n`,
  );
  process.stdout.write(formatTable(figures, reads, cpu, comparisons, settings));
  process.stdout.write(profile);
  if (reads.perf) process.stdout.write(formatPerf(reads.perf));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

async function bench(options: BenchOptions): Promise<void> {
  progress(
    `[bench] simulator: ${options.workspaces} workspaces, scan ${options.scanMs} ms, latency ${options.latencyMs} ms, poll ${options.pollSeconds} s${options.realistic ? ' (realistic)' : ''}`,
  );
  const perRead = plannedScanCalls(
    scanBatches(options.workspaces),
    pollPlan(options.pollSeconds, options.scanMs / 1000),
  );
  warnIfOverBudget(perRead, options);
  const sim = await startSimulatorProcess(options);
  const dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-bench-'));
  try {
    const config = { ...sim.config, scan: { poll_interval_seconds: options.pollSeconds } };
    const configFile = await writeJson(dir, 'config', config);
    const ours = await catalogFiles(cliPath, configFile, dir, 'this');
    const session = new Session(sim, dir, perRead);
    printFigures(options, await measureReads(options, { session, config, configFile, ours }));
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
