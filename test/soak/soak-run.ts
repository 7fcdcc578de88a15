/**
 * One soak: a clean read of a simulated tenant, then, per fault seed, a read with random faults
 * (resumed from its own state while it ends in a TRACE error, a bounded number of times), compared
 * record for record with the clean read. Used by `npm run soak` and the short soak in `npm test`.
 */
import { startSimulator, type FaultKind, type Simulator } from '../../simulator/index.js';
import { diffViews, type View } from '../helpers/destination.js';
import { catalogFor, type Message } from '../helpers/read-run.js';
import { configSecrets, findLeaks } from './leaks.js';
import {
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
  /** Stop starting new seeds after this long (the seed in progress finishes). */
  maxWallMs: number;
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
  };
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
  clean: View,
  seed: number,
  options: SoakOptions,
): Promise<SeedFigures> {
  const config = soakConfig(sim, options);
  const catalog = catalogFor('incremental');
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
  figures.mismatches = diffViews(viewOf(...runs), clean);
  figures.wallMs = Date.now() - started;
  return figures;
}

export async function soak(options: SoakOptions): Promise<SoakFigures> {
  const sim = await startSimulator({
    seed: options.tenantSeed,
    workspaces: options.workspaces,
    scanDurationMs: 200,
    // Many runs against one simulated hour: lift the 30/h modified budget (the client keeps its own).
    budgets: { modified: 0 },
  });
  try {
    const started = Date.now();
    const cleanRun = await runRead(
      soakConfig(sim, options),
      catalogFor('incremental'),
      undefined,
      undefined,
      30 * 60_000,
    );
    if (cleanRun.code !== 0) throw new Error(`the clean run failed: ${cleanRun.stderr}`);
    const clean = viewOf(cleanRun.messages);
    const figures: SoakFigures = {
      workspaces: options.workspaces,
      cleanRecords: recordCount(cleanRun.messages),
      cleanWallMs: Date.now() - started,
      seeds: [],
    };
    options.log?.(`clean run: ${figures.cleanRecords} records in ${figures.cleanWallMs} ms`);
    for (const seed of options.faultSeeds) {
      if (Date.now() - started > options.maxWallMs) {
        options.log?.(`time budget spent: seeds from ${seed} on are skipped`);
        break;
      }
      const seedFigures = await soakSeed(sim, clean, seed, options);
      figures.seeds.push(seedFigures);
      options.log?.(describeSeed(seedFigures));
    }
    return figures;
  } finally {
    await sim.close();
  }
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
