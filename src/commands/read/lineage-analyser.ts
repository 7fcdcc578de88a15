/** The M analyser of a read: worker threads when the lineage stream will parse M, else none. */
import type { ConnectorOptions } from '../../config/options.js';
import type { LineageAnalyser } from '../../lineage/index.js';
import type { SelectedStream } from './scan-sync.js';

export async function lineageAnalyserFor(
  options: ConnectorOptions,
  selected: SelectedStream[],
): Promise<LineageAnalyser | undefined> {
  const parsesM = options.scan.datasetExpressions && selected.some((s) => s.definition.name === 'lineage');
  if (!parsesM) return undefined;
  const threads = options.lineage.workerThreads;
  // Loaded only when M is parsed: a read of other streams loads nothing of lineage.
  const { createLineageAnalyser } = await import('../../lineage/runtime/worker-pool.js');
  return createLineageAnalyser(threads === undefined ? {} : { threads });
}

export function describeAnalyser(analyser: LineageAnalyser): string {
  return analyser.threads > 0
    ? `Power Query M is parsed in ${analyser.threads} worker thread(s) (lineage.worker_threads).`
    : 'Power Query M is parsed in the main thread (lineage.worker_threads).';
}
