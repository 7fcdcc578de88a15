/**
 * The benchmark's preload (scripts/bench/thread-stats-preload.mjs) in a real Node process with a
 * worker thread that is terminate()d, as the lineage pool does: it must run in the worker too,
 * report the worker's GC and CPU although the worker gets no 'exit' event, add the process totals
 * at exit, and never write to stdout (the connector's protocol stream).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readThreadStats, THREAD_STATS_ENV, THREAD_STATS_PRELOAD } from '../../scripts/bench/thread-stats.js';

/** Main thread: starts a worker that makes garbage until told it may stop, then terminates it. */
const SCRIPT = `
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url));
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
} else {
  let keep = [];
  // Enough garbage for many scavenges, and long enough (> 1 s of CPU is not needed: the preload
  // writes at most every 250 ms while collecting) for the periodic write to happen.
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    for (let i = 0; i < 1e5; i++) keep.push({ i, s: 'x' + i });
    keep = [];
    await new Promise((resolve) => setImmediate(resolve));
  }
  parentPort.postMessage('done');
  setInterval(() => {}, 1000);
}
`;

async function run(
  dir: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string }> {
  const script = path.join(dir, 'worker-garbage.mjs');
  await writeFile(script, SCRIPT);
  const child = spawn(process.execPath, ['--import', THREAD_STATS_PRELOAD, script], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout };
}

test('every isolate reports GC and CPU; the main thread adds process totals; stdout stays empty', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-preload-'));
  const statsDir = await mkdtemp(path.join(dir, 'stats-'));
  const { code, stdout } = await run(dir, { [THREAD_STATS_ENV]: statsDir });
  expect(code).toBe(0);
  expect(stdout).toBe('');

  const stats = await readThreadStats(statsDir);
  expect(stats.complete).toBe(true);
  expect(stats.perThread.map((t) => t.thread).sort()).toEqual(['main', 'worker 1']);
  const worker = stats.perThread.find((t) => t.thread === 'worker 1')!;
  expect(worker.tid).not.toBe(stats.pid);
  expect(stats.workerGcSeconds).toBeGreaterThan(0);
  expect(stats.gcCount).toBeGreaterThan(0);
  // Pauses as CPU never exceed the pauses themselves; the process total covers every thread.
  expect(stats.gcSeconds).toBeLessThanOrEqual(stats.gcPauseSeconds + 1e-9);
  expect(stats.processCpuSeconds).toBeGreaterThanOrEqual(
    (worker.cpuSeconds ?? 0) + (stats.mainCpuSeconds ?? 0) - 0.02,
  );
  expect(worker.cpuSeconds).toBeGreaterThan(0);
  expect(stats.maxRssMb).toBeGreaterThan(0);
});

test('without the variable the preload stays silent and writes nothing (not even in its working folder)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-preload-off-'));
  const { code, stdout } = await run(dir, { [THREAD_STATS_ENV]: '' });
  expect(code).toBe(0);
  expect(stdout).toBe('');
  expect((await readdir(dir)).filter((f) => f.endsWith('.json'))).toEqual([]);
});
