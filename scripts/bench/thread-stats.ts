/**
 * What thread-stats-preload.mjs wrote during one connector run, summed: GC pauses of every isolate
 * (main thread and lineage workers), CPU per thread, and the process-wide totals the main thread
 * read at exit.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The preload, passed as `--import <url>`; its output folder goes in this variable. */
export const THREAD_STATS_PRELOAD = new URL('./thread-stats-preload.mjs', import.meta.url).href;
export const THREAD_STATS_ENV = 'BENCH_THREAD_STATS_DIR';
export const preloadPath = fileURLToPath(THREAD_STATS_PRELOAD);

interface ThreadFile {
  pid: number;
  tid: number | null;
  threadId: number;
  isMainThread: boolean;
  final: boolean;
  gc: { ms: number; cpuMs: number; count: number; byKind: Record<string, number> };
  threadCpuS: number | null;
  processCpuS?: number;
  maxRssMb?: number;
}

export interface OneThread {
  /** `main` or `worker <threadId>`, as cpu-profile.ts names profile files. */
  thread: string;
  /** Linux thread id, as perf reports it. */
  tid: number | undefined;
  cpuSeconds: number | undefined;
  gcSeconds: number;
}

export interface ThreadStats {
  /** The connector's process id (from its main thread). */
  pid: number | undefined;
  /** GC pauses summed over every isolate: wall time inside V8's pause, on that isolate's thread. */
  gcPauseSeconds: number;
  /** The same pauses as CPU time: each thread's pauses x the share of its runnable time it ran. */
  gcSeconds: number;
  gcCount: number;
  /** Pause wall time per kind (minor, major, incremental, weakcb). */
  gcByKind: Record<string, number>;
  /** The main thread's GC (CPU estimate) alone, and the workers'. */
  mainGcSeconds: number;
  workerGcSeconds: number;
  mainCpuSeconds: number | undefined;
  /** CPU of each lineage worker thread, as last written (a terminated worker misses its last ~0.25 s). */
  workerCpuSeconds: number[];
  /** getrusage(RUSAGE_SELF) at the main thread's exit: every thread of the process, exited ones too. */
  processCpuSeconds: number | undefined;
  maxRssMb: number | undefined;
  /** False when the main thread did not get to write at exit (killed): totals are missing. */
  complete: boolean;
  perThread: OneThread[];
}

async function readThreadFiles(dir: string): Promise<ThreadFile[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json'));
  return Promise.all(
    names.map(async (name) => JSON.parse(await readFile(path.join(dir, name), 'utf8')) as ThreadFile),
  );
}

export async function readThreadStats(dir: string): Promise<ThreadStats> {
  const threads = await readThreadFiles(dir);
  const main = threads.find((t) => t.isMainThread);
  const workers = threads.filter((t) => !t.isMainThread);
  const gcByKind: Record<string, number> = {};
  for (const thread of threads)
    for (const [kind, ms] of Object.entries(thread.gc.byKind))
      gcByKind[kind] = (gcByKind[kind] ?? 0) + ms / 1000;
  const gcCpu = (list: ThreadFile[]) => list.reduce((sum, t) => sum + t.gc.cpuMs, 0) / 1000;
  return {
    pid: main?.pid,
    gcPauseSeconds: threads.reduce((sum, t) => sum + t.gc.ms, 0) / 1000,
    gcSeconds: gcCpu(threads),
    gcCount: threads.reduce((sum, t) => sum + t.gc.count, 0),
    gcByKind,
    mainGcSeconds: main ? main.gc.cpuMs / 1000 : 0,
    workerGcSeconds: gcCpu(workers),
    mainCpuSeconds: main?.threadCpuS ?? undefined,
    workerCpuSeconds: workers.map((w) => w.threadCpuS ?? 0),
    processCpuSeconds: main?.processCpuS,
    maxRssMb: main?.maxRssMb,
    complete: main?.final === true,
    perThread: threads.map((t) => ({
      thread: t.isMainThread ? 'main' : `worker ${t.threadId}`,
      tid: t.tid ?? undefined,
      cpuSeconds: t.threadCpuS ?? undefined,
      gcSeconds: t.gc.cpuMs / 1000,
    })),
  };
}
