/**
 * `--perf`: a full read under Linux `perf record -e cpu-clock`, which samples CPU time (a thread
 * waiting for a core is not sampled) in every thread of the connector, V8's helper threads
 * included (concurrent marking, parallel scavenging, sweeping, optimizing compiles), which
 * neither the 'gc' entries nor --cpu-prof see. Samples are split by thread group (main, lineage
 * workers, the rest) and by what the sampled native symbol belongs to.
 *
 * The split by symbol is a heuristic over V8's C++ class names (GC_SYMBOL, COMPILER_SYMBOL):
 * allocation fast paths and page faults caused by heap growth count as JS and kernel.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { OneThread } from './thread-stats.js';

export const PERF_HZ = 499;

const GC_SYMBOL =
  /v8::internal::(?:\w+::)*\w*(?:Scaveng|Marking|MarkCompact|Sweep|Evacuat|GCTracer|GlobalHandles|RememberedSet|SlotSet|PointersUpdating|FreeList|SemiSpace|MemoryAllocator|MemoryChunk|SizeFromMap)|v8::internal::(?:Heap|BodyDescriptorBase|ConcurrentMarking)::/;
const COMPILER_SYMBOL =
  /v8::internal::(?:compiler|maglev|baseline|interpreter)::|v8::internal::(?:Compiler|OptimizingCompileDispatcher|Parser|PreParser|Scanner|BytecodeGenerator)\b/;

export const CATEGORIES = ['GC', 'compiler', 'JS and builtins', 'kernel', 'other native'] as const;
export type Category = (typeof CATEGORIES)[number];
export const THREAD_GROUPS = ['main', 'lineage workers', 'other threads'] as const;
export type ThreadGroup = (typeof THREAD_GROUPS)[number];

export interface PerfSummary {
  samples: number;
  /** Samples per thread group and category. */
  counts: Record<ThreadGroup, Record<Category, number>>;
}

export function perfAvailable(): boolean {
  return spawnSync('perf', ['--version'], { stdio: 'ignore' }).status === 0;
}

export function perfRecordPrefix(file: string): string[] {
  return ['perf', 'record', '-q', '-e', 'cpu-clock', '-F', String(PERF_HZ), '-o', file, '--'];
}

/** ip is hex; kernel addresses have the top bit set. JIT code has no symbol (`[unknown]`). */
export function categoryOf(ip: string, symbol: string): Category {
  if (GC_SYMBOL.test(symbol)) return 'GC';
  if (COMPILER_SYMBOL.test(symbol)) return 'compiler';
  if (symbol === '' || symbol === '[unknown]' || symbol.startsWith('Builtins_')) return 'JS and builtins';
  if (ip.length >= 16 && /^[89a-f]/.test(ip)) return 'kernel';
  return 'other native';
}

export function groupOf(tid: number, pid: number, threads: OneThread[]): ThreadGroup {
  if (tid === pid) return 'main';
  return threads.some((t) => t.tid === tid && t.thread !== 'main') ? 'lineage workers' : 'other threads';
}

function emptyCounts(): Record<ThreadGroup, Record<Category, number>> {
  const row = () => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  return { main: row(), 'lineage workers': row(), 'other threads': row() };
}

/** One `perf script -F pid,tid,ip,sym` line: "pid/tid ip symbol" (the symbol may contain spaces). */
export function parsePerfLine(
  line: string,
): { pid: number; tid: number; ip: string; symbol: string } | undefined {
  const match = /^\s*(\d+)\/(\d+)\s+([0-9a-f]+)\s*(.*)$/.exec(line);
  if (!match) return undefined;
  return { pid: Number(match[1]), tid: Number(match[2]), ip: match[3]!, symbol: match[4]!.trim() };
}

/** Samples of the connector process only (perf also follows GNU time, its parent). */
export async function summarizePerf(file: string, pid: number, threads: OneThread[]): Promise<PerfSummary> {
  const child = spawn('perf', ['script', '-i', file, '-F', 'pid,tid,ip,sym'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const counts = emptyCounts();
  let samples = 0;
  for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
    const sample = parsePerfLine(line);
    if (!sample || sample.pid !== pid) continue;
    counts[groupOf(sample.tid, pid, threads)][categoryOf(sample.ip, sample.symbol)] += 1;
    samples += 1;
  }
  return { samples, counts };
}

export function categoryShare(summary: PerfSummary, category: Category): number {
  const n = THREAD_GROUPS.reduce((sum, group) => sum + summary.counts[group][category], 0);
  return summary.samples > 0 ? n / summary.samples : 0;
}

export function formatPerf(summary: PerfSummary): string {
  const pct = (n: number) => `${((n / Math.max(1, summary.samples)) * 100).toFixed(1)}%`.padStart(8);
  const header = `${'thread group'.padEnd(18)}${CATEGORIES.map((c) => c.padStart(17)).join('')}${'all'.padStart(9)}`;
  const rows = THREAD_GROUPS.map((group) => {
    const row = summary.counts[group];
    const total = CATEGORIES.reduce((sum, c) => sum + row[c], 0);
    return `${group.padEnd(18)}${CATEGORIES.map((c) => pct(row[c]).padStart(17)).join('')}${pct(total).padStart(9)}`;
  });
  const totals = `${'all'.padEnd(18)}${CATEGORIES.map((c) => `${(categoryShare(summary, c) * 100).toFixed(1)}%`.padStart(17)).join('')}${'100%'.padStart(9)}`;
  return [
    `perf (CPU-time samples at ${PERF_HZ} Hz, every thread) of a full read: ${summary.samples} samples (~${(summary.samples / PERF_HZ).toFixed(1)} s CPU), share of all samples:`,
    header,
    ...rows,
    totals,
    '',
  ].join('\n');
}
