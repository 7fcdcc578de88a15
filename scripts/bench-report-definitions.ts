/**
 * The cost of the report streams (report_definitions, report_pages, report_visuals): one read of
 * the built CLI that reads 1,000 reports' definitions from the simulator's Fabric API; prints API
 * calls per report and the wall time. `npm run bench` runs it after the scan benchmark; alone:
 * `npx tsx scripts/bench-report-definitions.ts [--reports N] [--concurrency C] [--retry-after S]`.
 *
 * The simulator answers at once (no latency) and asks for Retry-After 0 by default, so the wall
 * time is the connector's own; the estimate adds what the measured polls would wait at the real
 * service's Retry-After.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { startSimulator } from '../simulator/index.js';
import { catalogFor } from '../test/helpers/read-run.js';
import { runConnector } from './demo/connector.js';

export interface ReportBenchOptions {
  reports: number;
  concurrency: number;
  /** Retry-After the simulated operations ask for (seconds). */
  retryAfterSeconds: number;
  seed: number;
}

export interface ReportBenchFigures {
  reports: number;
  statuses: Record<string, number>;
  wallSeconds: number;
  calls: {
    getDefinition: number;
    operationPolls: number;
    operationResults: number;
    pages: number;
    token: number;
  };
  callsPerReport: number;
  throttled: number;
  /** Wall time if every poll waited `atRetryAfterSeconds` (the real service often asks for several seconds). */
  estimate: { atRetryAfterSeconds: number; wallSeconds: number };
}

/** Workspaces enough for `reports` reports (about three per active shared workspace, a margin on top). */
const workspacesFor = (reports: number): number => Math.min(50_000, Math.ceil(reports / 2));

export async function benchReportDefinitions(
  options: ReportBenchOptions,
  progress: (line: string) => void = () => undefined,
): Promise<ReportBenchFigures> {
  const sim = await startSimulator({
    seed: options.seed,
    workspaces: workspacesFor(options.reports),
    scanDurationMs: 0,
    fabric: { retryAfterSeconds: options.retryAfterSeconds },
  });
  const dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-bench-reports-'));
  try {
    const config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05 },
      report_definitions: {
        ...(sim.config.report_definitions as object),
        enabled: true,
        max_reports_per_sync: options.reports,
        concurrency: options.concurrency,
      },
    };
    const configFile = path.join(dir, 'config.json');
    const catalogFile = path.join(dir, 'catalog.json');
    await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
    await writeFile(
      catalogFile,
      JSON.stringify(
        catalogFor('incremental', ['reports', 'report_definitions', 'report_pages', 'report_visuals']),
      ),
    );
    // The scan alone first, so the measured read's time is the report streams' (plus one scan).
    progress(
      `[bench] report definitions: ${options.reports} reports, concurrency ${options.concurrency}, Retry-After ${options.retryAfterSeconds} s`,
    );
    const before = sim.stats();
    const started = process.hrtime.bigint();
    const statuses: Record<string, number> = {};
    const run = await runConnector(['read', '--config', configFile, '--catalog', catalogFile], {
      onRecord: (stream, data) => {
        if (stream === 'report_definitions')
          statuses[String(data.status)] = (statuses[String(data.status)] ?? 0) + 1;
      },
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.code !== 0) throw new Error(`the read failed (exit ${run.code})`);
    const after = sim.stats();
    const delta = (name: string) =>
      (after.requests[name as never] ?? 0) - (before.requests[name as never] ?? 0);
    const reports = Object.values(statuses).reduce((a, b) => a + b, 0);
    const operationCalls = delta('fabricOperation');
    // Each 202 (a long-running operation) ends with one result call; the other operation calls are polls.
    // (getInfo answers 202 too: one per scan batch.)
    const accepted = (after.statuses['202'] ?? 0) - (before.statuses['202'] ?? 0) - delta('getInfo');
    const polls = Math.max(0, operationCalls - accepted);
    const calls = {
      getDefinition: delta('fabricGetDefinition'),
      operationPolls: polls,
      operationResults: operationCalls - polls,
      pages: delta('pages'),
      token: delta('token'),
    };
    const atRetryAfterSeconds = 5;
    return {
      reports,
      statuses,
      wallSeconds,
      calls,
      callsPerReport: (calls.getDefinition + operationCalls + calls.pages) / Math.max(1, reports),
      throttled: Object.values(after.throttled).reduce((a, b) => a + (b ?? 0), 0),
      estimate: {
        atRetryAfterSeconds,
        wallSeconds: wallSeconds + (polls * atRetryAfterSeconds) / options.concurrency,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sim.close();
  }
}

export function formatReportBench(f: ReportBenchFigures, options: ReportBenchOptions): string {
  const statuses = Object.entries(f.statuses)
    .map(([status, n]) => `${status} ${n}`)
    .join(', ');
  return [
    `report definitions: ${f.reports} reports (${statuses}), concurrency ${options.concurrency}`,
    `  API calls: getDefinition ${f.calls.getDefinition}, operation polls ${f.calls.operationPolls}, operation results ${f.calls.operationResults}, Pages API ${f.calls.pages}, tokens ${f.calls.token}`,
    `  calls per report: ${f.callsPerReport.toFixed(2)}; throttled answers: ${f.throttled} (Fabric publishes no hourly budget: it throttles with 429 + Retry-After, which the client waits out)`,
    `  wall time: ${f.wallSeconds.toFixed(1)} s (one read: scan + ${f.reports} reports, simulator Retry-After ${options.retryAfterSeconds} s)`,
    `  estimate at Retry-After ${f.estimate.atRetryAfterSeconds} s per poll: ${f.estimate.wallSeconds.toFixed(0)} s`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reports: { type: 'string' },
      concurrency: { type: 'string' },
      'retry-after': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const options: ReportBenchOptions = {
    reports: Number(values.reports ?? 1000),
    concurrency: Number(values.concurrency ?? 4),
    retryAfterSeconds: Number(values['retry-after'] ?? 0),
    seed: Number(values.seed ?? 42),
  };
  const figures = await benchReportDefinitions(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(formatReportBench(figures, options));
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
