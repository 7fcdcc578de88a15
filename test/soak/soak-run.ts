/**
 * One soak: a clean read of a simulated tenant, then, per fault seed, a read with random faults
 * (resumed from its own state while it ends in a TRACE error, a bounded number of times), compared
 * record for record with the clean read. Every stream is read: the scan streams and the usage
 * streams (activity_events, which the config has to enable, refresh_history and apps). Used by
 * `npm run soak` and the short soak in `npm test`.
 *
 * The usage streams follow the simulated clock, so two reads minutes apart legitimately differ at
 * the edges; only the part both reads could see is compared (see alignUsage): activity events in
 * the window both reads covered, refresh history that ended before the clean read started and is
 * still among the artifact's last N, apps without their readAt.
 */
import { startSimulator, type FaultKind, type Simulator } from '../../simulator/index.js';
import { diffViews, type Row, type View } from '../helpers/destination.js';
import type { Message } from '../helpers/read-run.js';
import { configSecrets, findLeaks } from './leaks.js';
import {
  catalogWithUsage,
  duplicateKeys,
  latestStates,
  logText,
  recordCount,
  runRead,
  traceErrors,
  viewOf,
  type TraceError,
} from './harness.js';

export interface SoakOptions {
  tenantSeed: number;
  workspaces: number;
  /** Smaller batches mean more requests, hence more chances for a fault (default 25). */
  workspacesPerScan?: number;
  faultSeeds: number[];
  faults: Partial<Record<FaultKind, number>>;
  /** Reruns from the last state after a run that ended in an error. */
  maxResumes: number;
  /** Stop starting new seeds after this long (the seed in progress finishes); not used when concurrent. */
  maxWallMs: number;
  /**
   * Run the clean read and every seed at once, each against its own simulator of the same tenant
   * (same seed, same start instant), so that the seeds' retry waits overlap. The short soak uses it;
   * the long soak reads one simulator in turn.
   */
  concurrent?: boolean;
  log?: (line: string) => void;
}

export interface SeedFigures {
  seed: number;
  runs: number;
  faultsFired: Record<string, number>;
  retries: number;
  records: number;
  errors: Pick<TraceError, 'failure_type' | 'internal_message'>[];
  duplicates: number;
  mismatches: string[];
  leaks: string[];
  wallMs: number;
}

export interface SoakFigures {
  workspaces: number;
  cleanRecords: number;
  /** Records of the clean read per stream (every stream of the catalog, 0 included). */
  cleanByStream: Record<string, number>;
  cleanWallMs: number;
  seeds: SeedFigures[];
}

/** A modest mix: every fault kind the simulator has, a few percent of requests in all. */
export const DEFAULT_FAULTS: Partial<Record<FaultKind, number>> = {
  '429': 0.02,
  '429-no-retry-after': 0.002,
  '500': 0.005,
  '502': 0.005,
  '503': 0.005,
  reset: 0.005,
  timeout: 0.002,
  slow: 0.005,
  malformed: 0.005,
  'token-expiry': 0.005,
  'scan-failed': 0.02,
  'scan-stuck': 0.01,
  'result-expired': 0.02,
};

/** Days of activity events a read asks for (the first read of each seed backfills them). */
const ACTIVITY_BACKFILL_DAYS = 2;
const DAY_MS = 86_400_000;

function soakConfig(sim: Simulator, options: SoakOptions): Record<string, unknown> {
  return {
    ...sim.config,
    scan: {
      poll_interval_seconds: 0.05,
      scan_timeout_minutes: 0.1,
      workspaces_per_scan: options.workspacesPerScan ?? 25,
    },
    request_timeout_seconds: 3,
    max_retry_wait_seconds: 120,
    activity_events: { enabled: true, backfill_days: ACTIVITY_BACKFILL_DAYS },
    refresh_history: { enabled: true },
    apps: { enabled: true },
  };
}

/**
 * Every stream but the opt-in report definitions (their long-running operations and faults have
 * their own test, test/e2e/report-definitions.test.ts): the scan streams and the usage streams.
 */
const soakCatalog = (): Record<string, unknown> => {
  const catalog = catalogWithUsage('incremental') as { streams: { stream: { name: string } }[] };
  return { ...catalog, streams: catalog.streams.filter((s) => !s.stream.name.startsWith('report_')) };
};

function streamState(messages: Message[], name: string): Record<string, unknown> | undefined {
  const state = latestStates(messages).find(
    (s) => (s as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor.name === name,
  ) as { stream: { stream_state: Record<string, unknown> } } | undefined;
  return state?.stream.stream_state;
}

/** Where the activity_events reads of these runs stopped (their last cursor), NaN when none did. */
function activityCursor(runs: Message[][]): number {
  for (const run of [...runs].reverse()) {
    const cursor = streamState(run, 'activity_events')?.cursor;
    if (typeof cursor === 'string') return Date.parse(cursor);
  }
  return NaN;
}

/** First instant a read started at `startedAt` asks activity events for (midnight, backfill days back). */
function activityStart(startedAt: number): number {
  return Math.floor(startedAt / DAY_MS) * DAY_MS - (ACTIVITY_BACKFILL_DAYS - 1) * DAY_MS;
}

export interface UsageBounds {
  /** Activity events both reads covered: [from, to). */
  activityFrom: number;
  activityTo: number;
  /** Start of the clean read: refreshes that ended before it existed for both reads. */
  refreshesEndedBefore: number;
}

const time = (value: unknown): number => (typeof value === 'string' ? Date.parse(value) : NaN);

function filtered(table: Map<string, Row> | undefined, keep: (row: Row) => boolean): Map<string, Row> {
  return new Map([...(table ?? new Map<string, Row>())].filter(([, row]) => keep(row)));
}

/** Oldest refresh start per artifact in a refresh_history table. */
function oldestRefresh(table: Map<string, Row> | undefined): Map<string, number> {
  const oldest = new Map<string, number>();
  for (const row of table?.values() ?? []) {
    const artifact = `${String(row.artifactType)}:${String(row.artifactId)}`;
    oldest.set(artifact, Math.min(oldest.get(artifact) ?? Infinity, time(row.startTime)));
  }
  return oldest;
}

/**
 * The usage streams of both views cut to what both reads could see: activity events inside
 * [activityFrom, activityTo); per artifact, the refreshes that ended before the clean read and
 * started no earlier than the oldest either read still got (a newer refresh pushes the oldest out
 * of the last N); apps and gateways without readAt. An artifact the faulted read has nothing of is compared in
 * full, so a skipped artifact is a mismatch.
 */
export function alignUsage(actual: View, expected: View, bounds: UsageBounds): [View, View] {
  const a = new Map(actual);
  const e = new Map(expected);
  const inWindow = (row: Row): boolean => {
    const at = time(row.creationTime);
    return at >= bounds.activityFrom && at < bounds.activityTo;
  };
  const oldestA = oldestRefresh(a.get('refresh_history'));
  const oldestE = oldestRefresh(e.get('refresh_history'));
  const comparableRefresh = (row: Row): boolean => {
    const artifact = `${String(row.artifactType)}:${String(row.artifactId)}`;
    const from = Math.max(oldestA.get(artifact) ?? -Infinity, oldestE.get(artifact) ?? -Infinity);
    return time(row.endTime) < bounds.refreshesEndedBefore && time(row.startTime) >= from;
  };
  const withoutReadAt = (table: Map<string, Row> | undefined): Map<string, Row> =>
    new Map([...(table ?? new Map<string, Row>())].map(([key, { readAt: _readAt, ...rest }]) => [key, rest]));
  for (const view of [a, e]) {
    if (view.has('activity_events'))
      view.set('activity_events', filtered(view.get('activity_events'), inWindow));
    if (view.has('refresh_history'))
      view.set('refresh_history', filtered(view.get('refresh_history'), comparableRefresh));
    if (view.has('apps')) view.set('apps', withoutReadAt(view.get('apps')));
    if (view.has('gateways')) view.set('gateways', withoutReadAt(view.get('gateways')));
  }
  return [a, e];
}

function recordsByStream(messages: Message[]): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(
    (soakCatalog().streams as { stream: { name: string } }[]).map((s) => [s.stream.name, 0]),
  );
  for (const m of messages) if (m.type === 'RECORD') counts[(m.record as { stream: string }).stream]! += 1;
  return counts;
}

interface CleanRead {
  view: View;
  messages: Message[];
  startedAt: number;
  wallMs: number;
}

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, n] of Object.entries(after)) {
    const delta = n - (before[kind] ?? 0);
    if (delta > 0) out[kind] = delta;
  }
  return out;
}

async function soakSeed(
  sim: Simulator,
  cleanRead: Promise<CleanRead>,
  seed: number,
  options: SoakOptions,
): Promise<SeedFigures> {
  const config = soakConfig(sim, options);
  const catalog = soakCatalog();
  const started = Date.now();
  const firedBefore = sim.stats().faultsFired;
  sim.faults.setProbabilities(options.faults, seed);
  const runs: Message[][] = [];
  const figures: SeedFigures = {
    seed,
    runs: 0,
    faultsFired: {},
    retries: 0,
    records: 0,
    errors: [],
    duplicates: 0,
    mismatches: [],
    leaks: [],
    wallMs: 0,
  };
  let state: Message[] | undefined;
  try {
    for (let attempt = 0; attempt <= options.maxResumes; attempt += 1) {
      const out = await runRead(config, catalog, state, undefined, 30 * 60_000);
      runs.push(out.messages);
      figures.runs += 1;
      figures.records += recordCount(out.messages);
      figures.retries += (logText(out.messages).match(/retrying in/g) ?? []).length;
      figures.duplicates += Object.values(duplicateKeys(out.messages)).flat().length;
      figures.leaks.push(...findLeaks(out, configSecrets(sim.config)));
      const errors = traceErrors(out.messages);
      figures.errors.push(
        ...errors.map(({ failure_type, internal_message }) => ({ failure_type, internal_message })),
      );
      if (out.code === 0 && errors.length === 0) break;
      const next = latestStates(out.messages);
      if (next.length > 0) state = next;
      options.log?.(`  seed ${seed}: run ${figures.runs} stopped (${errors[0]?.failure_type}); resuming`);
    }
  } finally {
    sim.faults.setProbabilities({}, seed);
  }
  figures.faultsFired = difference(sim.stats().faultsFired, firedBefore);
  const clean = await cleanRead;
  const bounds: UsageBounds = {
    activityFrom: Math.max(activityStart(clean.startedAt), activityStart(started)),
    activityTo: Math.min(activityCursor([clean.messages]), activityCursor(runs)),
    refreshesEndedBefore: clean.startedAt,
  };
  figures.mismatches = diffViews(...alignUsage(viewOf(...runs), clean.view, bounds));
  figures.wallMs = Date.now() - started;
  return figures;
}

function startSoakSimulator(options: SoakOptions, startTime?: number): Promise<Simulator> {
  return startSimulator({
    seed: options.tenantSeed,
    workspaces: options.workspaces,
    scanDurationMs: 200,
    // Many runs against one simulated hour: lift the hourly budgets the runs share (modified 30/h,
    // activity events 200/h, apps 200/h); each run's client still keeps its own.
    budgets: { modified: 0, activityEvents: 0, adminApps: 0 },
    ...(startTime !== undefined && { startTime }),
  });
}

async function readClean(sim: Simulator, options: SoakOptions): Promise<CleanRead> {
  const startedAt = Date.now();
  const run = await runRead(soakConfig(sim, options), soakCatalog(), undefined, undefined, 30 * 60_000);
  if (run.code !== 0) throw new Error(`the clean run failed: ${run.stderr}`);
  return { view: viewOf(run.messages), messages: run.messages, startedAt, wallMs: Date.now() - startedAt };
}

function cleanFigures(options: SoakOptions, clean: CleanRead): SoakFigures {
  const figures: SoakFigures = {
    workspaces: options.workspaces,
    cleanRecords: recordCount(clean.messages),
    cleanByStream: recordsByStream(clean.messages),
    cleanWallMs: clean.wallMs,
    seeds: [],
  };
  options.log?.(
    `clean run: ${figures.cleanRecords} records in ${figures.cleanWallMs} ms (${Object.entries(
      figures.cleanByStream,
    )
      .map(([name, n]) => `${name}=${n}`)
      .join(' ')})`,
  );
  return figures;
}

/** One simulator: the clean read, then the seeds one after another while the time budget lasts. */
async function soakInTurn(options: SoakOptions): Promise<SoakFigures> {
  const sim = await startSoakSimulator(options);
  try {
    const clean = await readClean(sim, options);
    const figures = cleanFigures(options, clean);
    for (const seed of options.faultSeeds) {
      if (Date.now() - clean.startedAt > options.maxWallMs) {
        options.log?.(`time budget spent: seeds from ${seed} on are skipped`);
        break;
      }
      const seedFigures = await soakSeed(sim, Promise.resolve(clean), seed, options);
      figures.seeds.push(seedFigures);
      options.log?.(describeSeed(seedFigures));
    }
    return figures;
  } finally {
    await sim.close();
  }
}

/** A simulator per read, all of one tenant and start instant: the clean read and every seed at once. */
async function soakConcurrently(options: SoakOptions): Promise<SoakFigures> {
  const startTime = Date.now();
  const sims = await Promise.all(
    [undefined, ...options.faultSeeds].map(() => startSoakSimulator(options, startTime)),
  );
  try {
    const [cleanSim, ...seedSims] = sims;
    const clean = readClean(cleanSim!, options);
    const seeds = options.faultSeeds.map((seed, at) => soakSeed(seedSims[at]!, clean, seed, options));
    // Every read ends before the simulators close, also when one of them failed.
    const settled = await Promise.allSettled([clean, ...seeds]);
    const failed = settled.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const figures = cleanFigures(options, await clean);
    for (const seed of seeds) figures.seeds.push(await seed);
    for (const seed of figures.seeds) options.log?.(describeSeed(seed));
    return figures;
  } finally {
    await Promise.all(sims.map((sim) => sim.close()));
  }
}

export async function soak(options: SoakOptions): Promise<SoakFigures> {
  return options.concurrent ? soakConcurrently(options) : soakInTurn(options);
}

export function describeSeed(s: SeedFigures): string {
  const fired = Object.values(s.faultsFired).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(s.faultsFired)
    .map(([k, n]) => `${k}=${n}`)
    .join(' ');
  return (
    `seed ${s.seed}: runs=${s.runs} faults=${fired} (${kinds}) retries=${s.retries} records=${s.records} ` +
    `errors=${s.errors.map((e) => `${e.failure_type}(${(e.internal_message ?? '').slice(0, 60)})`).join(',') || 0} ` +
    `duplicates=${s.duplicates} ` +
    `mismatches=${s.mismatches.length} leaks=${s.leaks.length} wall=${(s.wallMs / 1000).toFixed(1)}s`
  );
}
