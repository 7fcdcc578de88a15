/**
 * One `read` of a built connector, measured: wall time, records, the API calls it caused, and for
 * the connector PROCESS (every thread: main, lineage workers, V8's GC and compiler helpers):
 * CPU time and peak RSS from GNU time (wait4's rusage of the child), else from getrusage at the
 * connector's exit (thread-stats-preload.mjs) and sampled /proc VmHWM. GC pauses per isolate
 * and CPU per thread come from the preload in both cases.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { traceError, type Message } from '../demo/connector.js';
import { imageNodeFlagsFor } from './image-flags.js';
import { runCli } from './run-cli.js';
import type { SimulatorProcess } from './simulator-process.js';
import { readThreadStats, THREAD_STATS_ENV, THREAD_STATS_PRELOAD, type ThreadStats } from './thread-stats.js';

const GNU_TIME = '/usr/bin/time';
/** BENCH_GNU_TIME=off measures as on a machine without GNU time (the getrusage fallback). */
const useGnuTime = () => process.env.BENCH_GNU_TIME !== 'off' && existsSync(GNU_TIME);

export interface ReadMeasure {
  wallSeconds: number;
  records: number;
  recordsPerStream: Record<string, number>;
  peakRssMb: number | undefined;
  /** CPU time of the whole connector process, every thread included. */
  cpuSeconds: number | undefined;
  cpuSource: 'GNU time' | 'getrusage' | 'none';
  threads: ThreadStats | undefined;
  /** Power BI API calls per endpoint (token requests listed as `token`). */
  calls: Record<string, number>;
  peakScansInFlight: number;
  throttled: number;
  messages: Message[];
}

export interface ReadTarget {
  cliPath: string;
  args: string[];
  /** Extra node flags for the connector, e.g. --cpu-prof. */
  nodeOptions?: string[];
  /** A command wrapped around GNU time and the connector, e.g. perf record (its own CPU is not counted). */
  outerPrefix?: string[];
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) {
    const d = value - (before[key] ?? 0);
    if (d > 0) out[key] = d;
  }
  return out;
}

async function vmHwmKb(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  } catch {
    return undefined;
  }
}

/** GNU time's `%M %U %S`: peak RSS in KiB, user and system CPU seconds of the child (all its threads). */
async function readGnuTime(file: string): Promise<{ rssMb: number; cpuSeconds: number }> {
  const [maxKb, user, system] = (await readFile(file, 'utf8')).trim().split(/\s+/).slice(-3).map(Number);
  return { rssMb: maxKb! / 1024, cpuSeconds: user! + system! };
}

export async function measureRead(
  sim: SimulatorProcess,
  target: ReadTarget,
  workDir: string,
  progress: (line: string) => void,
): Promise<ReadMeasure> {
  const statsDir = await mkdtemp(path.join(workDir, 'threads-'));
  const timeFile = path.join(statsDir, 'time.txt');
  const useTime = useGnuTime();
  const before = await sim.stats();
  let sampledKb = 0;
  let sampler: NodeJS.Timeout | undefined;
  const imageFlags = imageNodeFlagsFor(target.cliPath);
  if (imageFlags.length > 0) progress(`  │ node flags of this build's image: ${imageFlags.join(' ')}`);
  const started = process.hrtime.bigint();
  const run = await runCli({
    cliPath: target.cliPath,
    args: ['read', ...target.args],
    nodeOptions: ['--import', THREAD_STATS_PRELOAD, ...imageFlags, ...(target.nodeOptions ?? [])],
    env: { [THREAD_STATS_ENV]: statsDir },
    prefix: [...(target.outerPrefix ?? []), ...(useTime ? [GNU_TIME, '-f', '%M %U %S', '-o', timeFile] : [])],
    onSpawn: (pid) => {
      if (useTime) return;
      sampler = setInterval(() => {
        void vmHwmKb(pid).then((kb) => (sampledKb = Math.max(sampledKb, kb ?? 0)));
      }, 100);
    },
    onMessage: (m) => {
      if (m.type === 'LOG') progress(`  │ ${(m.log as { message: string }).message}`);
    },
    onStderr: (line) => progress(`  │ ${line}`),
  });
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (sampler) clearInterval(sampler);
  if (run.code !== 0)
    throw new Error(`read failed: ${traceError(run.messages) ?? `exit ${String(run.code)}`}`);
  const after = await sim.stats();
  const threads = await readThreadStats(statsDir);
  const timed = useTime ? await readGnuTime(timeFile) : undefined;
  await rm(statsDir, { recursive: true, force: true });
  const inProcessCpu = threads.complete ? threads.processCpuSeconds : undefined;
  return {
    wallSeconds,
    records: run.records,
    recordsPerStream: run.recordsPerStream,
    peakRssMb: timed?.rssMb ?? threads.maxRssMb ?? (sampledKb ? sampledKb / 1024 : undefined),
    cpuSeconds: timed?.cpuSeconds ?? inProcessCpu,
    cpuSource: timed ? 'GNU time' : inProcessCpu !== undefined ? 'getrusage' : 'none',
    threads,
    calls: delta(after.requests, before.requests),
    peakScansInFlight: after.peakScansInFlight,
    throttled: Object.values(delta(after.throttled, before.throttled)).reduce((a, b) => a + b, 0),
    messages: run.messages,
  };
}

/** GC pauses of every isolate over the process's CPU time (a lower bound: see docs/benchmark.md). */
export function gcFraction(measure: ReadMeasure): number | undefined {
  if (!measure.threads || !measure.cpuSeconds) return undefined;
  return measure.threads.gcSeconds / measure.cpuSeconds;
}
