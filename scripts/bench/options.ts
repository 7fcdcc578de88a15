/** Command-line options of `npm run bench`. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REALISTIC_POLL_SECONDS, REALISTIC_SCAN_MS } from './api-budget.js';

export interface BenchOptions {
  workspaces: number;
  scanMs: number;
  latencyMs: number;
  seed: number;
  pollSeconds: number;
  /** Extra full reads that show where the time goes (no M expressions; no lineage stream). */
  compare: boolean;
  /** Only the extra full read without the column_lineage stream (what column lineage costs). */
  compareColumnLineage: boolean;
  /** An extra full read under node --cpu-prof, summarised by module and function, per thread and in total. */
  profile: boolean;
  /** An extra full read under Linux perf record: CPU-time samples of every thread by GC, compiler, JS, kernel. */
  perf: boolean;
  /** Scan duration and polling per Microsoft's guidance instead of the 1 s mode. */
  realistic: boolean;
  /** Another checkout's built connector (its dist/main.js), measured on the same tenant in the same run. */
  baselineCli: string | undefined;
}

export const USAGE = `usage: npm run bench -- [--workspaces N] [--realistic] [--scan-ms L] [--latency-ms D] [--poll-s P] [--seed S] [--compare | --compare-column-lineage] [--profile] [--perf] [--baseline DIR]
  --workspaces N  workspaces in the generated tenant (default 10000; personal ones are not scanned)
  --realistic     scans of ${REALISTIC_SCAN_MS / 1000} s polled every ${REALISTIC_POLL_SECONDS} s (Microsoft: poll every 30-60 s) instead of 1 s scans polled at 1 s
  --scan-ms L     simulated scan duration, getInfo to Succeeded (default 1000; ${REALISTIC_SCAN_MS} with --realistic)
  --latency-ms D  delay added to every API response (default 0)
  --poll-s P      connector scan.poll_interval_seconds (default L, at least 0.05; ${REALISTIC_POLL_SECONDS} with --realistic)
  --seed S        tenant seed (default 42)
  --compare       also time full reads without M expressions and without the lineage stream
  --compare-column-lineage  only the extra full read without the column_lineage stream
  --profile       also profile a full read (node --cpu-prof): self time by module and function, every thread
  --perf          also a full read under Linux perf (every thread, CPU time): GC, compiler, JS, kernel shares
  --baseline DIR  also measure DIR/dist/main.js (another checkout, built) on the same tenant: full and
                  metadata reads printed beside this checkout's`;

function number(value: string | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number >= ${min}, got ${value}`);
  return n;
}

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      workspaces: { type: 'string' },
      'scan-ms': { type: 'string' },
      'latency-ms': { type: 'string' },
      'poll-s': { type: 'string' },
      seed: { type: 'string' },
      compare: { type: 'boolean' },
      'compare-column-lineage': { type: 'boolean' },
      profile: { type: 'boolean' },
      realistic: { type: 'boolean' },
      perf: { type: 'boolean' },
      baseline: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const realistic = values.realistic ?? false;
  const scanMs = number(values['scan-ms'], realistic ? REALISTIC_SCAN_MS : 1000, 'scan-ms', 0);
  const defaultPoll = realistic ? REALISTIC_POLL_SECONDS : Math.max(0.05, scanMs / 1000);
  return {
    workspaces: Math.round(number(values.workspaces, 10_000, 'workspaces', 1)),
    scanMs,
    latencyMs: number(values['latency-ms'], 0, 'latency-ms', 0),
    seed: Math.round(number(values.seed, 42, 'seed', 0)),
    pollSeconds: number(values['poll-s'], defaultPoll, 'poll-s', 0.05),
    compare: values.compare ?? false,
    compareColumnLineage: values['compare-column-lineage'] ?? false,
    profile: values.profile ?? false,
    perf: values.perf ?? false,
    realistic,
    baselineCli: values.baseline === undefined ? undefined : baselineCli(values.baseline),
  };
}

function baselineCli(dir: string): string {
  const cli = path.resolve(dir, 'dist', 'main.js');
  if (!existsSync(cli))
    throw new Error(`--baseline ${dir}: no dist/main.js there (build that checkout first)`);
  return cli;
}
