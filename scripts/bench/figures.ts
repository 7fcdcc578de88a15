/** The benchmark's figures and how they are printed: a table for people, then one JSON line. */
import type { CpuLimit } from './cpu-limit.js';
import type { ReadMeasure } from './measure-read.js';

export interface Figures {
  workspaces_scanned: number;
  records: number;
  wall_s: number;
  records_per_s: number;
  cpu_limit_records_per_s: number;
  connector_vs_cpu_limit: number;
  peak_rss_mb: number | null;
  connector_cpu_s: number | null;
  api_calls: number;
  min_api_calls: number;
  api_bound_min_s: number;
  wall_vs_api_bound_min: number;
  incremental_api_calls: number;
  incremental_call_fraction: number;
  incremental_wall_fraction: number;
  incremental_workspaces_scanned: number;
}

export function apiCalls(measure: ReadMeasure): number {
  return Object.entries(measure.calls)
    .filter(([endpoint]) => endpoint !== 'token')
    .reduce((sum, [, n]) => sum + n, 0);
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

export function computeFigures(
  full: ReadMeasure,
  incremental: ReadMeasure,
  cpu: CpuLimit,
  scanMs: number,
): Figures {
  const scanned = full.recordsPerStream.workspaces ?? 0;
  const batches = Math.ceil(scanned / 100);
  const apiBoundMin = Math.ceil(batches / 16) * (scanMs / 1000);
  const recordsPerS = full.records / full.wallSeconds;
  const cpuLimit = full.records / cpu.seconds;
  return {
    workspaces_scanned: scanned,
    records: full.records,
    wall_s: round(full.wallSeconds, 2),
    records_per_s: Math.round(recordsPerS),
    cpu_limit_records_per_s: Math.round(cpuLimit),
    connector_vs_cpu_limit: round(recordsPerS / cpuLimit),
    peak_rss_mb: full.peakRssMb === undefined ? null : round(full.peakRssMb, 1),
    connector_cpu_s: full.cpuSeconds === undefined ? null : round(full.cpuSeconds, 2),
    api_calls: apiCalls(full),
    // admin/workspaces/modified once, then getInfo + one scanStatus + scanResult per batch of 100.
    min_api_calls: 1 + 3 * batches,
    api_bound_min_s: round(apiBoundMin, 2),
    wall_vs_api_bound_min: apiBoundMin > 0 ? round(full.wallSeconds / apiBoundMin, 2) : 0,
    incremental_api_calls: apiCalls(incremental),
    incremental_call_fraction: round(apiCalls(incremental) / apiCalls(full), 4),
    incremental_wall_fraction: round(incremental.wallSeconds / full.wallSeconds, 4),
    incremental_workspaces_scanned: incremental.recordsPerStream.workspaces ?? 0,
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

export function formatTable(
  f: Figures,
  full: ReadMeasure,
  incremental: ReadMeasure,
  cpu: CpuLimit,
  comparisons: { label: string; measure: ReadMeasure }[],
): string {
  const lines = [
    '',
    row('workspaces scanned', String(f.workspaces_scanned)),
    row('records (full read)', String(f.records)),
    row('wall time (full read)', `${f.wall_s.toFixed(2)} s`, `connector CPU ${f.connector_cpu_s ?? '?'} s`),
    row('throughput', `${f.records_per_s} rec/s`),
    row(
      'CPU limit (JSON.parse + stringify)',
      `${f.cpu_limit_records_per_s} rec/s`,
      `${(cpu.bytes / 1e6).toFixed(1)} MB of scan results in ${cpu.seconds.toFixed(2)} s`,
    ),
    row('connector / CPU limit', f.connector_vs_cpu_limit.toFixed(3), 'target >= 0.5'),
    row(
      'peak RSS of the connector',
      f.peak_rss_mb === null ? '?' : `${f.peak_rss_mb} MB`,
      'target <= 300 MB',
    ),
    row('API calls (full read)', String(f.api_calls), callsText(full)),
    row('minimum API calls', String(f.min_api_calls), 'modified + 3 per batch of 100'),
    row(
      'peak scans in flight / throttled',
      `${full.peakScansInFlight} / ${full.throttled}`,
      'Power BI allows 16',
    ),
    row('API-bound minimum wall time', `${f.api_bound_min_s} s`, 'ceil(ceil(N/100)/16) x scan latency'),
    row('wall / API-bound minimum', f.wall_vs_api_bound_min.toFixed(2), 'target <= 1.1'),
    row('incremental: workspaces re-scanned', String(f.incremental_workspaces_scanned)),
    row('incremental: API calls', String(f.incremental_api_calls), callsText(incremental)),
    row('incremental: calls / full calls', f.incremental_call_fraction.toFixed(4), 'target <= 0.02'),
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
        `${measure.records} records, ${Math.round(measure.records / measure.wallSeconds)} rec/s, CPU ${measure.cpuSeconds?.toFixed(2) ?? '?'} s, RSS ${measure.peakRssMb?.toFixed(0) ?? '?'} MB`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
