/**
 * Behaviour comparison between two commits: builds the connector of `--base` (default HEAD~1) in a
 * temporary git worktree, then runs the same syncs with it and with this checkout's build against
 * identical simulator tenants, and compares what came out.
 *
 * Per side, on a fresh simulator (same seed, same fixed start time): discover, a full read of every
 * stream (activity events, refresh history and apps enabled), a mutation of the tenant, and an
 * incremental read from the full read's states. Compared: the catalogs, every record of both reads
 * and the final STATE of every stream. Times of the run itself (scannedAt, cursors, emitted_at) are
 * replaced by a placeholder first; everything the tenant decides (its own timestamps included) must
 * match exactly. The clock-driven usage streams (activity events, refresh history) are compared inside
 * a window both sides read in full, and their states are not compared (see seenByBoth). Exit code 0 when identical, 1 with the first differences printed otherwise.
 *
 *   npm run compare:reads -- [--base REF] [--workspaces 200] [--keep]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from '../simulator/index.js';

type Json = Record<string, unknown>;

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** The simulated tenant starts at the same instant for both sides (activity events need a recent one). */
const START_TIME = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
/** Fields whose values are times the run chose (its clock), not the tenant. */
const RUN_TIME_FIELDS = new Set([
  'scannedAt',
  'readAt',
  'cursor',
  'syncStartedAt',
  'lastFullScanAt',
  'modifiedSince',
]);
/**
 * Any other instant after START_TIME was chosen by a clock during the run too (the simulated clock
 * runs in real time, so a mutation's modifiedDateTime differs by seconds between the two sides);
 * the tenant's own history lies before START_TIME.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/;

const { values } = parseArgs({
  options: {
    base: { type: 'string', default: 'HEAD~1' },
    workspaces: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
  },
});

interface SideOutput {
  catalog: Json[];
  full: Json[];
  incremental: Json[];
  fullStates: Json[];
  incrementalStates: Json[];
  fullCode: number | null;
  incrementalCode: number | null;
}

function sh(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** A worktree of `ref` sharing this checkout's node_modules, built by its own `npm run build`. */
function buildBase(ref: string, workDir: string): string {
  const tree = path.join(workDir, 'base');
  sh('git', ['worktree', 'add', '--detach', tree, ref], repoRoot);
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(tree, 'node_modules'), 'dir');
  sh('npm', ['run', '--silent', 'build'], tree);
  return path.join(tree, 'dist', 'main.js');
}

function run(cli: string, args: string[]): Promise<{ code: number | null; messages: Json[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const messages = stdout
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as Json);
      resolve({ code, messages });
    });
  });
}

function configuredCatalog(streams: Json[]): Json {
  return {
    streams: streams.map((stream) => {
      const incremental = (stream.supported_sync_modes as string[]).includes('incremental');
      return {
        stream,
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: incremental ? 'append_dedup' : 'overwrite',
        ...(incremental && stream.default_cursor_field ? { cursor_field: stream.default_cursor_field } : {}),
        ...(stream.source_defined_primary_key ? { primary_key: stream.source_defined_primary_key } : {}),
      };
    }),
  };
}

function latestStates(messages: Json[]): Json[] {
  const byStream = new Map<string, Json>();
  for (const message of messages) {
    if (message.type !== 'STATE') continue;
    const state = message.state as { stream: { stream_descriptor: { name: string } } };
    byStream.set(state.stream.stream_descriptor.name, state);
  }
  return [...byStream.values()];
}

async function runSide(cli: string, workDir: string, name: string, workspaces: number): Promise<SideOutput> {
  const sim = await startSimulator({ seed: 18, workspaces, scanDurationMs: 0, startTime: START_TIME });
  try {
    const file = (base: string, content: unknown) => {
      const target = path.join(workDir, `${name}-${base}.json`);
      writeFileSync(target, JSON.stringify(content));
      return target;
    };
    const config = file('config', {
      ...sim.config,
      activity_events: { enabled: true, backfill_days: 3 },
      refresh_history: { enabled: true },
      apps: { enabled: true },
    });
    const discovered = await run(cli, ['discover', '--config', config]);
    const catalogMessage = discovered.messages.find((m) => m.type === 'CATALOG') as
      { catalog: { streams: Json[] } } | undefined;
    if (!catalogMessage) throw new Error(`${name}: discover gave no CATALOG`);
    const catalog = file('catalog', configuredCatalog(catalogMessage.catalog.streams));
    const full = await run(cli, ['read', '--config', config, '--catalog', catalog]);
    sim.mutate({ workspaces: Math.max(1, Math.round(workspaces / 20)), seed: 5 });
    sim.advanceClock(2 * 3_600_000);
    const state = file('state', latestStates(full.messages));
    const incremental = await run(cli, ['read', '--config', config, '--catalog', catalog, '--state', state]);
    return {
      catalog: catalogMessage.catalog.streams,
      full: full.messages.filter((m) => m.type === 'RECORD'),
      incremental: incremental.messages.filter((m) => m.type === 'RECORD'),
      fullStates: latestStates(full.messages),
      incrementalStates: latestStates(incremental.messages),
      fullCode: full.code,
      incrementalCode: incremental.code,
    };
  } finally {
    await sim.close();
  }
}

function isRunTime(value: string): boolean {
  return ISO_INSTANT.test(value) && Date.parse(value) >= Date.parse(START_TIME);
}

function normalise(value: unknown): unknown {
  if (typeof value === 'string' && isRunTime(value)) return '<run-time>';
  if (Array.isArray(value)) return value.map((item) => normalise(item));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const key of Object.keys(value).sort()) {
      if (key === 'emitted_at') continue;
      const child = (value as Json)[key];
      out[key] = RUN_TIME_FIELDS.has(key) && typeof child === 'string' ? '<run-time>' : normalise(child);
    }
    return out;
  }
  return value;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Usage streams follow the clock: the two sides run minutes apart, so activity events near the settle
 * cutoff and refreshes that ended in between are seen by one side only. Those records are compared
 * only inside a window both sides surely read in full (before the comparison started, past the
 * settle time); the rest is left out of both, and the printout says how many were compared.
 */
function seenByBoth(startedAt: number): (message: Json) => boolean {
  const activityUntil = startedAt - 61 * MINUTE;
  const activityFrom = startedAt - 2 * DAY;
  return (message) => {
    const record = message.record as { stream?: string; data?: Json } | undefined;
    if (!record?.data) return true;
    const at = (field: string) => {
      const value = record.data![field];
      return typeof value === 'string' ? Date.parse(value) : NaN;
    };
    if (record.stream === 'activity_events') {
      return at('creationTime') >= activityFrom && at('creationTime') < activityUntil;
    }
    if (record.stream === 'refresh_history') return at('endTime') < startedAt - MINUTE;
    return true;
  };
}

/** States of the clock-driven streams carry record counts and windows of their own run. */
function comparableState(state: Json): Json {
  const name = (state.stream as { stream_descriptor: { name: string } }).stream_descriptor.name;
  if (name !== 'activity_events' && name !== 'refresh_history') return state;
  return { stream: { stream_descriptor: { name } }, note: 'clock-driven state, not compared' };
}

function lines(items: Json[]): string[] {
  return items.map((item) => JSON.stringify(normalise(item))).sort();
}

/** Which streams the differing lines belong to, e.g. " (activity_events 40, refresh_history 1)". */
function byStream(lines: string[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const item = JSON.parse(line) as {
      name?: string;
      record?: { stream: string };
      stream?: { stream_descriptor: { name: string } };
    };
    const name = item.record?.stream ?? item.stream?.stream_descriptor.name ?? item.name ?? '?';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts.size === 0 ? '' : ` (${[...counts].map(([name, n]) => `${name} ${n}`).join(', ')})`;
}

function diff(label: string, base: string[], head: string[]): number {
  const baseSet = new Set(base);
  const headSet = new Set(head);
  const missing = base.filter((line) => !headSet.has(line));
  const extra = head.filter((line) => !baseSet.has(line));
  const countDiffers = base.length !== head.length;
  const status = missing.length || extra.length || countDiffers ? 'DIFFERENT' : 'identical';
  console.log(
    `${label.padEnd(22)} base ${String(base.length).padStart(7)}  head ${String(head.length).padStart(7)}  ${status}${byStream([...missing, ...extra])}`,
  );
  for (const line of missing.slice(0, 3)) console.log(`   only in base: ${line.slice(0, 400)}`);
  for (const line of extra.slice(0, 3)) console.log(`   only in head: ${line.slice(0, 400)}`);
  return status === 'identical' ? 0 : 1;
}

async function main(): Promise<void> {
  const workspaces = Number(values.workspaces);
  const workDir = mkdtempSync(path.join(tmpdir(), 'source-powerbi-compare-'));
  const comparable = seenByBoth(Date.now());
  const records = (side: Json[]) => lines(side.filter(comparable));
  const states = (side: Json[]) => lines(side.map(comparableState));
  try {
    console.log(`Building ${values.base} in a temporary worktree...`);
    const baseCli = buildBase(values.base, workDir);
    const headCli = path.join(repoRoot, 'dist', 'main.js');
    console.log(`Reading a ${workspaces}-workspace tenant with both builds...`);
    const base = await runSide(baseCli, workDir, 'base', workspaces);
    const head = await runSide(headCli, workDir, 'head', workspaces);
    let differences = 0;
    console.log(
      `exit codes             base ${base.fullCode}/${base.incrementalCode}  head ${head.fullCode}/${head.incrementalCode}`,
    );
    if (base.fullCode !== head.fullCode || base.incrementalCode !== head.incrementalCode) differences += 1;
    differences += diff('catalog', lines(base.catalog), lines(head.catalog));
    differences += diff('full read records', records(base.full), records(head.full));
    differences += diff('full read states', states(base.fullStates), states(head.fullStates));
    differences += diff('incremental records', records(base.incremental), records(head.incremental));
    differences += diff('incremental states', states(base.incrementalStates), states(head.incrementalStates));
    console.log(differences === 0 ? 'No behaviour change.' : `${differences} comparison(s) differ.`);
    process.exitCode = differences === 0 ? 0 : 1;
  } finally {
    if (!values.keep) {
      try {
        sh('git', ['worktree', 'remove', '--force', path.join(workDir, 'base')], repoRoot);
      } catch {
        // The worktree may not exist if the build failed early.
      }
      rmSync(workDir, { recursive: true, force: true });
    } else {
      console.log(`Kept ${workDir}`);
    }
  }
}

await main();
