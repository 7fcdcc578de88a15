/** The benchmark's figures and how they are printed: a table for people, then one JSON line. */
import { apiBoundMinimumSeconds, MAX_SCANS_IN_FLIGHT, pollPlan, scanBatches } from './api-budget.js';
import type { CpuLimit } from './cpu-limit.js';
import { gcFraction, type ReadMeasure } from './measure-read.js';
import { categoryShare, type PerfSummary } from './perf-profile.js';

export interface Figures {
  workspaces_scanned: number;
  records: number;
  wall_s: number;
  records_per_s: number;
  /** Records of the full read over the CPU seconds of JSON.parse + JSON.stringify of its scan results. */
  cpu_limit_records_per_s: number;
  /** Wall-clock throughput of the full read over that limit. */
  connector_vs_cpu_limit: number;
  peak_rss_mb: number | null;
  /** CPU seconds of the connector process, every thread (main, lineage workers, V8 helpers). */
  connector_cpu_s: number | null;
  api_calls: number;
  min_api_calls: number;
  api_bound_min_s: number;
  wall_vs_api_bound_min: number;
  incremental_api_calls: number;
  incremental_call_fraction: number;
  incremental_wall_fraction: number;
  incremental_workspaces_scanned: number;
  /** CPU limit over the full read's CPU (both CPU time, same scan results). */
  connector_cpu_vs_cpu_limit: number | null;
  /** The same for a read without the lineage and column_lineage streams. */
  metadata_vs_cpu_limit: number | null;
  metadata_records: number;
  metadata_cpu_s: number | null;
  /** GC pauses of every isolate over the full read's CPU. */
  gc_fraction: number | null;
  main_thread_cpu_s: number | null;
  worker_threads_cpu_s: number | null;
  /** The rest of the process: V8's GC and compiler helper threads, libuv. */
  other_threads_cpu_s: number | null;
  cpu_limit_cpu_s: number;
  scan_s: number;
  poll_s: number;
  realistic: boolean;
  /** --perf: shares of the CPU samples of every thread (V8 helper threads included). */
  perf_gc_fraction: number | null;
  perf_compiler_fraction: number | null;
  baseline: BaselineFigures | null;
}

export interface BaselineFigures {
  cli: string;
  records: number;
  wall_s: number;
  connector_cpu_s: number | null;
  peak_rss_mb: number | null;
  gc_fraction: number | null;
  metadata_records: number;
  metadata_cpu_s: number | null;
  metadata_vs_cpu_limit: number | null;
}

export interface Reads {
  perf?: PerfSummary;
  full: ReadMeasure;
  incremental: ReadMeasure;
  metadata: ReadMeasure;
  baseline?: { cli: string; full: ReadMeasure; metadata: ReadMeasure };
}

export interface RunSettings {
  scanMs: number;
  pollSeconds: number;
  realistic: boolean;
}

export function apiCalls(measure: ReadMeasure): number {
  return Object.entries(measure.calls)
    .filter(([endpoint]) => endpoint !== 'token')
    .reduce((sum, [, n]) => sum + n, 0);
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));
const maybe = (n: number | undefined, digits = 3) => (n === undefined ? null : round(n, digits));

function vsLimit(measure: ReadMeasure, cpu: CpuLimit): number | null {
  return measure.cpuSeconds ? round(cpu.seconds / measure.cpuSeconds, 4) : null;
}

function workerCpu(measure: ReadMeasure): number | undefined {
  const workers = measure.threads?.workerCpuSeconds;
  return workers ? workers.reduce((a, b) => a + b, 0) : undefined;
}

function otherThreadsCpu(measure: ReadMeasure): number | undefined {
  const main = measure.threads?.mainCpuSeconds;
  if (measure.cpuSeconds === undefined || main === undefined) return undefined;
  return measure.cpuSeconds - main - (workerCpu(measure) ?? 0);
}

function baselineFigures(baseline: NonNullable<Reads['baseline']>, cpu: CpuLimit): BaselineFigures {
  return {
    cli: baseline.cli,
    records: baseline.full.records,
    wall_s: round(baseline.full.wallSeconds, 2),
    connector_cpu_s: maybe(baseline.full.cpuSeconds, 2),
    peak_rss_mb: maybe(baseline.full.peakRssMb, 1),
    gc_fraction: maybe(gcFraction(baseline.full)),
    metadata_records: baseline.metadata.records,
    metadata_cpu_s: maybe(baseline.metadata.cpuSeconds, 2),
    metadata_vs_cpu_limit: vsLimit(baseline.metadata, cpu),
  };
}

export function computeFigures(reads: Reads, cpu: CpuLimit, settings: RunSettings): Figures {
  const { full, incremental, metadata } = reads;
  const scanned = full.recordsPerStream.workspaces ?? 0;
  const batches = scanBatches(scanned);
  const apiBoundMin = apiBoundMinimumSeconds(batches, settings.scanMs / 1000, settings.pollSeconds);
  const recordsPerS = full.records / full.wallSeconds;
  const cpuLimit = full.records / cpu.seconds;
  return {
    workspaces_scanned: scanned,
    records: full.records,
    wall_s: round(full.wallSeconds, 2),
    records_per_s: Math.round(recordsPerS),
    cpu_limit_records_per_s: Math.round(cpuLimit),
    connector_vs_cpu_limit: round(recordsPerS / cpuLimit),
    peak_rss_mb: maybe(full.peakRssMb, 1),
    connector_cpu_s: maybe(full.cpuSeconds, 2),
    api_calls: apiCalls(full),
    // admin/workspaces/modified once, then getInfo + scanStatus polls + scanResult per batch of 100.
    min_api_calls: 1 + (2 + pollPlan(settings.pollSeconds, settings.scanMs / 1000).polls) * batches,
    api_bound_min_s: round(apiBoundMin, 2),
    wall_vs_api_bound_min: apiBoundMin > 0 ? round(full.wallSeconds / apiBoundMin, 2) : 0,
    incremental_api_calls: apiCalls(incremental),
    incremental_call_fraction: round(apiCalls(incremental) / apiCalls(full), 4),
    incremental_wall_fraction: round(incremental.wallSeconds / full.wallSeconds, 4),
    incremental_workspaces_scanned: incremental.recordsPerStream.workspaces ?? 0,
    connector_cpu_vs_cpu_limit: vsLimit(full, cpu),
    metadata_vs_cpu_limit: vsLimit(metadata, cpu),
    metadata_records: metadata.records,
    metadata_cpu_s: maybe(metadata.cpuSeconds, 2),
    gc_fraction: maybe(gcFraction(full)),
    main_thread_cpu_s: maybe(full.threads?.mainCpuSeconds, 2),
    worker_threads_cpu_s: maybe(workerCpu(full), 2),
    other_threads_cpu_s: maybe(otherThreadsCpu(full), 2),
    cpu_limit_cpu_s: round(cpu.seconds),
    scan_s: settings.scanMs / 1000,
    poll_s: settings.pollSeconds,
    realistic: settings.realistic,
    perf_gc_fraction: reads.perf ? round(categoryShare(reads.perf, 'GC')) : null,
    perf_compiler_fraction: reads.perf ? round(categoryShare(reads.perf, 'compiler')) : null,
    baseline: reads.baseline ? baselineFigures(reads.baseline, cpu) : null,
  };
}

function row(label: string, value: string, note = ''): string {
  return `${label.padEnd(38)}${value.padStart(14)}  ${note}`;
}

function callsText(measure: ReadMeasure): string {
  return Object.entries(measure.calls)
    .map(([endpoint, n]) => `${endpoint}=${n}`)
    .join(' ');
}

const seconds = (n: number | undefined | null) => (n === undefined || n === null ? '?' : `${n.toFixed(2)} s`);
const percent = (n: number | undefined | null) =>
  n === undefined || n === null ? '?' : `${(n * 100).toFixed(1)}%`;

/** Where the full read's CPU went by thread, and whether the in-process total agrees with GNU time. */
function threadRows(full: ReadMeasure): string[] {
  const t = full.threads;
  if (!t) return [];
  const workers = workerCpu(full) ?? 0;
  const other = otherThreadsCpu(full);
  return [
    row(
      'CPU by thread',
      `main ${seconds(t.mainCpuSeconds)}`,
      `lineage workers ${seconds(workers)} (${t.workerCpuSeconds.length}), other threads (V8 GC/compiler helpers, libuv) ${seconds(other)}`,
    ),
    row(
      'CPU source (cross-check)',
      `${full.cpuSource}`,
      `getrusage at the connector's exit ${seconds(t.processCpuSeconds)} (every thread)`,
    ),
    row(
      'GC (every isolate, CPU estimate)',
      seconds(t.gcSeconds),
      `${t.gcCount} pauses, ${seconds(t.gcPauseSeconds)} wall; main ${seconds(t.mainGcSeconds)}, workers ${seconds(t.workerGcSeconds)}; pause wall by kind: ` +
        Object.entries(t.gcByKind)
          .map(([kind, s]) => `${kind} ${s.toFixed(2)} s`)
          .join(', '),
    ),
    row(
      'other threads / connector CPU',
      percent(other !== undefined && full.cpuSeconds ? other / full.cpuSeconds : undefined),
      'concurrent GC marking/sweeping and optimizing compiles: GC share is at most gc_fraction + this',
    ),
  ];
}

function apiBoundNote(settings: RunSettings): string {
  const plan = pollPlan(settings.pollSeconds, settings.scanMs / 1000);
  return `ceil(ceil(N/100)/${MAX_SCANS_IN_FLIGHT}) x ${plan.seenAfterS} s (scan ${settings.scanMs / 1000} s, first seen at a poll every ${settings.pollSeconds} s)`;
}

export function formatTable(
  f: Figures,
  reads: Reads,
  cpu: CpuLimit,
  comparisons: { label: string; measure: ReadMeasure }[],
  settings: RunSettings,
): string {
  const { full, incremental, metadata } = reads;
  const lines = [
    '',
    row('workspaces scanned', String(f.workspaces_scanned)),
    row('records (full read)', String(f.records)),
    row(
      'wall time (full read)',
      `${f.wall_s.toFixed(2)} s`,
      `connector CPU ${f.connector_cpu_s ?? '?'} s (every thread)`,
    ),
    ...threadRows(full),
    row(
      'GC share of the connector CPU',
      percent(f.gc_fraction),
      'GC pauses (CPU) / process CPU; target <= 15%',
    ),
    row('throughput', `${f.records_per_s} rec/s`),
    row(
      'CPU limit (JSON.parse + stringify)',
      `${f.cpu_limit_records_per_s} rec/s`,
      `${(cpu.bytes / 1e6).toFixed(1)} MB of scan results in ${cpu.seconds.toFixed(2)} s CPU (${cpu.wallSeconds.toFixed(2)} s wall)`,
    ),
    row('connector / CPU limit (wall rec/s)', f.connector_vs_cpu_limit.toFixed(3), 'target >= 0.5'),
    row(
      'connector / CPU limit (CPU time)',
      f.connector_cpu_vs_cpu_limit?.toFixed(3) ?? '?',
      'limit CPU / full read CPU',
    ),
    row(
      'metadata read / CPU limit (CPU time)',
      f.metadata_vs_cpu_limit?.toFixed(3) ?? '?',
      `no lineage streams: ${metadata.records} records, CPU ${seconds(metadata.cpuSeconds)}; target >= 0.2`,
    ),
    row(
      'peak RSS of the connector',
      f.peak_rss_mb === null ? '?' : `${f.peak_rss_mb} MB`,
      'target <= 300 MB',
    ),
    row('API calls (full read)', String(f.api_calls), callsText(full)),
    row(
      'minimum API calls',
      String(f.min_api_calls),
      'modified + getInfo, scanStatus polls, scanResult per batch of 100',
    ),
    row(
      'peak scans in flight / throttled',
      `${full.peakScansInFlight} / ${full.throttled}`,
      'Power BI allows 16',
    ),
    row('API-bound minimum wall time', `${f.api_bound_min_s} s`, apiBoundNote(settings)),
    row(
      'wall / API-bound minimum',
      f.wall_vs_api_bound_min.toFixed(2),
      settings.realistic ? 'target <= 1.05' : 'target <= 1.1',
    ),
    row('incremental: workspaces re-scanned', String(f.incremental_workspaces_scanned)),
    row('incremental: API calls', String(f.incremental_api_calls), callsText(incremental)),
    row(
      'incremental: calls / full calls',
      f.incremental_call_fraction.toFixed(4),
      'target <= max(4 calls, 0.02)',
    ),
    row(
      'incremental: wall / full wall',
      f.incremental_wall_fraction.toFixed(4),
      `${incremental.wallSeconds.toFixed(2)} s`,
    ),
  ];
  for (const { label, measure } of comparisons) {
    lines.push(
      row(
        `full read, ${label}`,
        `${measure.wallSeconds.toFixed(2)} s`,
        `${measure.records} records, ${Math.round(measure.records / measure.wallSeconds)} rec/s, CPU ${measure.cpuSeconds?.toFixed(2) ?? '?'} s, RSS ${measure.peakRssMb?.toFixed(0) ?? '?'} MB, GC ${percent(gcFraction(measure))}`,
      ),
    );
  }
  return `${lines.join('\n')}\n${f.baseline ? formatBaseline(f, f.baseline) : ''}`;
}

function ratio(now: number | null, before: number | null): string {
  return now !== null && before !== null && before !== 0 ? (now / before).toFixed(2) : '?';
}

/** This checkout beside the baseline, same tenant, same run. */
function formatBaseline(f: Figures, b: BaselineFigures): string {
  const line = (label: string, now: string, before: string, r: string) =>
    `${label.padEnd(34)}${now.padStart(14)}${before.padStart(14)}${r.padStart(10)}`;
  const num = (n: number | null, unit = '') => (n === null ? '?' : `${n}${unit}`);
  return [
    '',
    `baseline: ${b.cli}`,
    line('', 'this checkout', 'baseline', 'new/old'),
    line('full read: records', String(f.records), String(b.records), ratio(f.records, b.records)),
    line('full read: wall', `${f.wall_s} s`, `${b.wall_s} s`, ratio(f.wall_s, b.wall_s)),
    line(
      'full read: CPU (every thread)',
      num(f.connector_cpu_s, ' s'),
      num(b.connector_cpu_s, ' s'),
      ratio(f.connector_cpu_s, b.connector_cpu_s),
    ),
    line(
      'full read: peak RSS',
      num(f.peak_rss_mb, ' MB'),
      num(b.peak_rss_mb, ' MB'),
      ratio(f.peak_rss_mb, b.peak_rss_mb),
    ),
    line(
      'full read: gc_fraction',
      num(f.gc_fraction),
      num(b.gc_fraction),
      ratio(f.gc_fraction, b.gc_fraction),
    ),
    line(
      'metadata read: records',
      String(f.metadata_records),
      String(b.metadata_records),
      ratio(f.metadata_records, b.metadata_records),
    ),
    line(
      'metadata read: CPU',
      num(f.metadata_cpu_s, ' s'),
      num(b.metadata_cpu_s, ' s'),
      ratio(f.metadata_cpu_s, b.metadata_cpu_s),
    ),
    line(
      'metadata_vs_cpu_limit',
      num(f.metadata_vs_cpu_limit),
      num(b.metadata_vs_cpu_limit),
      ratio(f.metadata_vs_cpu_limit, b.metadata_vs_cpu_limit),
    ),
    '',
  ].join('\n');
}
