/**
 * M lineage in worker threads. Each worker keeps its own cache for the sync; expressions with the
 * same affinity (a dataset) go to the same worker so its shared queries are parsed once. A worker
 * that dies (out of memory, a crash) costs only the request it was working on: those table
 * expressions get an `analysis_failed` diagnostic, and the requests queued behind it go to a new
 * worker. Workers hold the process open only while they have work, so a forgotten close() cannot
 * hang the connector.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LineageAnalyser } from './analyser.js';
import { availableCores } from './available-cores.js';
import type { MExpressionInput, MLineageResult } from '../types.js';
import type { WorkerReply, WorkerRequest } from './worker-messages.js';

export interface WorkerPoolOptions {
  threads: number;
  /** The compiled worker-entry.js (default: the one next to this module). */
  script?: URL;
  /**
   * Old-generation heap of each worker (default 256 MB). Its caches for a sync reach 40-60 MB at
   * 3,000 workspaces and keep growing to their bounds; at 128 MB a 10,000-workspace read ran the
   * full collector without pause. Below 256 MB V8 also grows the heap by only 1.3x between full
   * collections, so the limit is not where the heap settles but the headroom above the caches.
   */
  maxHeapMb?: number;
  /** Young generation of each worker (default: V8's for the old generation's size). */
  maxYoungGenerationMb?: number;
}

interface Pending {
  request: WorkerRequest;
  resolve: (results: MLineageResult[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  /** In the order sent; a worker answers in that order, so the first is the one it is working on. */
  pending: Map<number, Pending>;
  retired: boolean;
}

const DEFAULT_MAX_HEAP_MB = 256;
/** More workers than this do not pay off for one sync (the main thread's mapping becomes the limit). */
const MAX_AUTO_THREADS = 4;
/** Measured on 2 cores (docs/lineage.md, Threads): the main thread alone is cheaper and as fast. */
const MAIN_THREAD_ONLY_UP_TO_CORES = 2;

/**
 * The built worker script, dist/lineage/runtime/worker-entry.js, found from wherever the bundler put
 * this module (dist/ or dist/chunks/); none when running the TypeScript sources.
 */
export function defaultWorkerScript(): URL | undefined {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.js')) return undefined;
  for (let dir = path.dirname(here); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const script = path.join(dir, 'lineage', 'runtime', 'worker-entry.js');
    if (existsSync(script)) return pathToFileURL(script);
  }
  return undefined;
}

/**
 * Worker threads to use when the configuration does not say. A worker spends ~25% more CPU than
 * the main thread on the same M (a heap of its own to collect, its own JIT warm-up, expressions
 * and results copied between threads), which pays off only with cores to spare: on 2 cores the
 * main thread alone was cheaper and as fast (docs/lineage.md, Threads). With 3 or more, one per
 * core beyond the main thread's, at most four. Cores are those the process may use, container
 * CPU quotas included (available-cores.ts).
 */
export function autoThreadCount(cores = availableCores()): number {
  if (cores <= MAIN_THREAD_ONLY_UP_TO_CORES) return 0;
  return Math.min(MAX_AUTO_THREADS, cores - 1);
}

/** Stable small hash: the same affinity always lands on the same worker. */
function slotIndex(affinity: string, slots: number): number {
  let hash = 0;
  for (let i = 0; i < affinity.length; i += 1) hash = (hash * 31 + affinity.charCodeAt(i)) | 0;
  return Math.abs(hash) % slots;
}

export class LineageWorkerPool implements LineageAnalyser {
  readonly threads: number;
  private readonly slots: (Slot | undefined)[];
  private readonly script: URL;
  private readonly maxHeapMb: number;
  private readonly maxYoungGenerationMb: number | undefined;
  private nextId = 0;
  private roundRobin = 0;
  private closed = false;

  constructor(options: WorkerPoolOptions & { script: URL }) {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new Error(`a worker pool needs at least one thread, got ${options.threads}`);
    this.threads = options.threads;
    this.script = options.script;
    this.maxHeapMb = options.maxHeapMb ?? DEFAULT_MAX_HEAP_MB;
    this.maxYoungGenerationMb = options.maxYoungGenerationMb;
    this.slots = new Array<Slot | undefined>(options.threads).fill(undefined);
  }

  analyse(inputs: readonly MExpressionInput[], affinity?: string): Promise<MLineageResult[]> {
    if (this.closed) return Promise.reject(new Error('the lineage worker pool is closed'));
    const index =
      affinity === undefined ? this.roundRobin++ % this.threads : slotIndex(affinity, this.threads);
    const request: WorkerRequest = { id: this.nextId++, inputs: [...inputs] };
    return new Promise<MLineageResult[]>((resolve, reject) => {
      this.send(index, { request, resolve, reject });
    });
  }

  private send(index: number, pending: Pending): void {
    const slot = this.slotAt(index);
    slot.pending.set(pending.request.id, pending);
    if (slot.pending.size === 1) slot.worker.ref();
    slot.worker.postMessage(pending.request);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const running = this.slots.filter((slot): slot is Slot => slot !== undefined);
    this.slots.fill(undefined);
    await Promise.all(running.map((slot) => slot.worker.terminate()));
  }

  private slotAt(index: number): Slot {
    const existing = this.slots[index];
    if (existing) return existing;
    const slot = this.spawn(index);
    this.slots[index] = slot;
    return slot;
  }

  private spawn(index: number): Slot {
    // stdout: true keeps anything a parser library prints off our protocol stream; it goes to stderr.
    const worker = new Worker(this.script, {
      stdout: true,
      stderr: true,
      resourceLimits: {
        maxOldGenerationSizeMb: this.maxHeapMb,
        ...(this.maxYoungGenerationMb !== undefined && {
          maxYoungGenerationSizeMb: this.maxYoungGenerationMb,
        }),
      },
    });
    worker.stdout.pipe(process.stderr, { end: false });
    worker.stderr.pipe(process.stderr, { end: false });
    worker.unref();
    const slot: Slot = { worker, pending: new Map(), retired: false };
    worker.on('message', (reply: WorkerReply) => this.settle(slot, reply));
    worker.on('error', (error) => this.retire(index, slot, error));
    worker.on('exit', (code) =>
      this.retire(index, slot, new Error(`lineage worker stopped (exit code ${code})`)),
    );
    return slot;
  }

  private settle(slot: Slot, reply: WorkerReply): void {
    const pending = slot.pending.get(reply.id);
    if (pending === undefined) return;
    slot.pending.delete(reply.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if ('results' in reply) pending.resolve(JSON.parse(reply.results) as MLineageResult[]);
    else pending.reject(new Error(reply.error));
  }

  /**
   * A dead worker: the request it was working on gets `analysis_failed` results, the ones queued
   * behind it go to a new worker (once the pool is closed, all are rejected).
   */
  private retire(index: number, slot: Slot, error: Error): void {
    if (slot.retired) return;
    slot.retired = true;
    if (this.slots[index] === slot) this.slots[index] = undefined;
    const held = [...slot.pending.values()];
    slot.pending.clear();
    if (this.closed) {
      for (const pending of held) pending.reject(error);
      return;
    }
    const [current, ...queued] = held;
    if (current !== undefined) current.resolve(current.request.inputs.map(() => workerDied(error)));
    for (const pending of queued) this.send(index, pending);
  }
}

function workerDied(error: Error): MLineageResult {
  return {
    upstreams: [],
    diagnostics: [
      {
        kind: 'analysis_failed',
        message: `Lineage analysis failed: the lineage worker analysing this dataset stopped (${error.message}); it was replaced for the other datasets.`,
      },
    ],
  };
}

/** The parsers are loaded only where M is parsed: with workers, never in the main thread. */
async function inThread(): Promise<LineageAnalyser> {
  const { inThreadAnalyser } = await import('./analyser.js');
  return inThreadAnalyser();
}

/**
 * The analyser a sync uses: `threads` workers (undefined: autoThreadCount()), or the calling
 * thread when that is 0 or no compiled worker script exists (TypeScript sources under test).
 */
export async function createLineageAnalyser(
  options: Partial<WorkerPoolOptions> = {},
): Promise<LineageAnalyser> {
  const threads = options.threads ?? autoThreadCount();
  const script = options.script ?? defaultWorkerScript();
  if (threads === 0 || script === undefined) return inThread();
  return new LineageWorkerPool({ ...options, threads, script });
}
