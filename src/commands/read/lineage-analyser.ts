/** The M analyser of a read: worker threads when the lineage stream will parse M, else none. */
import type { Config } from '../../config/config.js';
import type { LineageAnalyser } from '../../lineage/index.js';
import { createLineageAnalyser } from '../../lineage/worker-pool.js';
import type { SelectedStream } from './scan-sync.js';

export async function lineageAnalyserFor(
  config: Config,
  selected: SelectedStream[],
): Promise<LineageAnalyser | undefined> {
  const parsesM = config.scan.dataset_expressions && selected.some((s) => s.definition.name === 'lineage');
  if (!parsesM) return undefined;
  const threads = config.lineage.worker_threads;
  return createLineageAnalyser(threads === undefined ? {} : { threads });
}

export function describeAnalyser(analyser: LineageAnalyser): string {
  return analyser.threads > 0
    ? `Power Query M is parsed in ${analyser.threads} worker thread(s) (lineage.worker_threads).`
    : 'Power Query M is parsed in the main thread (lineage.worker_threads).';
}
