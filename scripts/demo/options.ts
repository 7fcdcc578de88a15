/** Command-line options of `npm run demo`. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './connector.js';

export interface CliOptions {
  workspaces: number;
  seed: number;
  changes: number;
  outDir: string;
}

export const USAGE = `usage: npm run demo -- [--workspaces N] [--seed S] [--changes K] [--out DIR]
  --workspaces N  workspaces in the simulated tenant (default 40; personal ones are not scanned)
  --seed S        tenant seed: same seed, same tenant (default 10)
  --changes K     workspaces the simulator changes before the incremental read (default 5)
  --out DIR       where the database, the records and lineage.html go (default .demo)`;

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${value}`);
  return n;
}

export function parseOptions(argv: string[]): CliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      workspaces: { type: 'string' },
      seed: { type: 'string' },
      changes: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  return {
    workspaces: positiveInt(values.workspaces, 40, 'workspaces'),
    seed: positiveInt(values.seed, 10, 'seed'),
    changes: positiveInt(values.changes, 5, 'changes'),
    outDir: path.resolve(repoRoot, values.out ?? '.demo'),
  };
}
