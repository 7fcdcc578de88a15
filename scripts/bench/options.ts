/** Command-line options of `npm run bench`. */
import { parseArgs } from 'node:util';

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
  /** An extra full read under node --cpu-prof, summarised by module and function. */
  profile: boolean;
}

export const USAGE = `usage: npm run bench -- [--workspaces N] [--scan-ms L] [--latency-ms D] [--poll-s P] [--seed S] [--compare | --compare-column-lineage] [--profile]
  --workspaces N  workspaces in the generated tenant (default 10000; personal ones are not scanned)
  --scan-ms L     simulated scan duration, getInfo to Succeeded (default 1000)
  --latency-ms D  delay added to every API response (default 0)
  --poll-s P      connector scan.poll_interval_seconds (default L, at least 0.05)
  --seed S        tenant seed (default 42)
  --compare       also time full reads without M expressions and without the lineage stream
  --compare-column-lineage  only the extra full read without the column_lineage stream
  --profile       also profile a full read (node --cpu-prof): CPU self time by module and function`;

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
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const scanMs = number(values['scan-ms'], 1000, 'scan-ms', 0);
  return {
    workspaces: Math.round(number(values.workspaces, 10_000, 'workspaces', 1)),
    scanMs,
    latencyMs: number(values['latency-ms'], 0, 'latency-ms', 0),
    seed: Math.round(number(values.seed, 42, 'seed', 0)),
    pollSeconds: number(values['poll-s'], Math.max(0.05, scanMs / 1000), 'poll-s', 0.05),
    compare: values.compare ?? false,
    compareColumnLineage: values['compare-column-lineage'] ?? false,
    profile: values.profile ?? false,
  };
}
