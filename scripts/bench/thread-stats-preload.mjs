/**
 * Preloaded into the connector by the benchmark (`node --import <this file> dist/main.js`); worker
 * threads inherit the flag, so it runs in every isolate. Each thread sums its garbage-collection
 * pauses (PerformanceObserver 'gc') and reads its own CPU time (/proc/thread-self/stat), and writes
 * them to `$BENCH_THREAD_STATS_DIR/<pid>-<threadId>.json`; the main thread adds the process-wide
 * getrusage totals (every thread, dead ones included) at exit. Never writes to stdout.
 *
 * A worker that is terminate()d gets no 'exit' event, so threads also write at most every
 * FLUSH_MS while they collect garbage and once a second otherwise: a worker's last ~0.25 s may
 * be missing, never counted twice.
 */
import { readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import process from 'node:process';
import { setInterval } from 'node:timers';
import { isMainThread, threadId } from 'node:worker_threads';

const dir = process.env.BENCH_THREAD_STATS_DIR;
const FLUSH_MS = 250;
const TICKS_PER_SECOND = 100; // USER_HZ: /proc reports CPU times in these on Linux

/** V8's gc kinds (perf_hooks constants): 1 minor (scavenge), 2 major (mark-compact), 4 incremental, 8 weak callbacks. */
const KIND_NAMES = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };

function threadCpuSeconds() {
  try {
    // Fields after "(comm) ": state is index 0, utime 11, stime 12 (proc(5) fields 14 and 15).
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Nanoseconds this thread ran on a CPU and waited runnable for one; undefined without schedstat. */
function schedstat() {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return { run, wait };
  } catch {
    return undefined;
  }
}

/** This thread's Linux thread id (what perf reports), from /proc/thread-self -> "<pid>/task/<tid>". */
function linuxThreadId() {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

function start(statsDir) {
  const tid = linuxThreadId();
  const file = path.join(statsDir, `${process.pid}-${threadId}.json`);
  const gc = { ms: 0, cpuMs: 0, count: 0, byKind: {} };
  let pendingPauseMs = 0;
  let lastSched = schedstat();
  let lastFlush = 0;

  /** The pauses since the last write, at the share of runnable time this thread got meanwhile. */
  const settlePauses = () => {
    const now = schedstat();
    const ran = now && lastSched ? now.run - lastSched.run : 0;
    const waited = now && lastSched ? now.wait - lastSched.wait : 0;
    gc.cpuMs += ran + waited > 0 ? (pendingPauseMs * ran) / (ran + waited) : pendingPauseMs;
    pendingPauseMs = 0;
    lastSched = now;
  };

  const flush = (final) => {
    lastFlush = Date.now();
    settlePauses();
    const stats = {
      pid: process.pid,
      tid,
      threadId,
      isMainThread,
      final,
      gc,
      threadCpuS: threadCpuSeconds(),
    };
    if (final && isMainThread) {
      const usage = process.resourceUsage();
      stats.processCpuS = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
      stats.maxRssMb = usage.maxRSS / 1024;
    }
    try {
      writeFileSync(file, JSON.stringify(stats));
    } catch {
      // The benchmark removed the folder: nothing left to report to.
    }
  };

  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.ms += entry.duration;
      pendingPauseMs += entry.duration;
      gc.count += 1;
      const kind = KIND_NAMES[entry.detail?.kind] ?? 'other';
      gc.byKind[kind] = (gc.byKind[kind] ?? 0) + entry.duration;
    }
    if (Date.now() - lastFlush >= FLUSH_MS) flush(false);
  }).observe({ entryTypes: ['gc'] });
  setInterval(() => flush(false), 1000).unref();
  process.on('exit', () => flush(true));
}

if (dir) start(dir);
