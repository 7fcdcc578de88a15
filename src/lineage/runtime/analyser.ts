/**
 * Where M lineage runs: in this thread, or in a pool of worker threads (src/lineage/runtime/worker-pool.ts).
 * Parsing M is the costliest part of a read (~0.4 ms of CPU per distinct table expression with
 * Microsoft's parser); worker threads put the other cores to work and keep the parsers' garbage out
 * of the main thread's heap.
 */
import { extractMLineage, extractMLineageJson } from '../analysis/extract.js';
import { LineageCache } from '../analysis/lineage-cache.js';
import type { MExpressionInput, MLineageResult } from '../types.js';

export interface LineageAnalyser {
  /**
   * Lineage of related table expressions (one dataset's), in their order. They travel together, so
   * their shared `expressions` are copied to a worker once; `affinity` (the dataset id) sends the
   * same dataset to the same worker, whose cache then parses its shared queries once.
   */
  analyse(inputs: readonly MExpressionInput[], affinity?: string): Promise<MLineageResult[]>;
  /** Stops the workers (pending analyses fail); idempotent. */
  close(): Promise<void>;
  /** Threads doing the work besides the caller's (0: everything runs in the calling thread). */
  readonly threads: number;
}

/** One after the other: concurrent parses would hold several parser states and miss the cache for repeats. */
export async function analyseInOrder(
  inputs: readonly MExpressionInput[],
  cache: LineageCache,
): Promise<MLineageResult[]> {
  const results: MLineageResult[] = [];
  for (const input of inputs) results.push(await extractMLineage(input, cache));
  return results;
}

/**
 * The same as one JSON array text, for a worker's reply: a string crosses to the main thread as a
 * copy of its characters, where an array of objects would be serialized field by field (and a
 * stored result is sent without being parsed in between).
 */
export async function analyseInOrderAsJson(
  inputs: readonly MExpressionInput[],
  cache: LineageCache,
): Promise<string> {
  const texts: string[] = [];
  for (const input of inputs) texts.push(await extractMLineageJson(input, cache));
  return `[${texts.join(',')}]`;
}

/** Everything in the calling thread, with one cache for the analyser's life (a sync). */
export function inThreadAnalyser(cache: LineageCache = new LineageCache()): LineageAnalyser {
  return {
    threads: 0,
    analyse: (inputs) => analyseInOrder(inputs, cache),
    close: () => Promise.resolve(),
  };
}
