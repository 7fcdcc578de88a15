/** A set of workspace ids scanned together, plus what happened to it so far. */
export interface Batch {
  id: string;
  workspaceIds: string[];
  /** Failed scans of exactly this set of ids. */
  failures: number;
  /** Scans abandoned (stuck, lost, result expired or unreadable) and resubmitted. */
  resubmits: number;
  /** Created by splitting a failed batch: it splits again on failure instead of retrying. */
  split: boolean;
}

/** Ids in first-seen order, duplicates (case-insensitive: they are GUIDs) removed. */
export function uniqueIds(ids: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const id of ids) {
    const key = id.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(id);
  }
  return result;
}

export function makeBatches(ids: readonly string[], size: number): Batch[] {
  const batches: Batch[] = [];
  for (let start = 0; start < ids.length; start += size) {
    const workspaceIds = ids.slice(start, start + size);
    batches.push({
      id: `batch-${batches.length + 1}`,
      workspaceIds,
      failures: 0,
      resubmits: 0,
      split: false,
    });
  }
  return batches;
}

export type FailureStep =
  | { kind: 'retry'; batch: Batch }
  | { kind: 'split'; batches: [Batch, Batch] }
  | { kind: 'give-up'; workspaceId: string };

/**
 * After a Failed scan: an original batch is retried once, then split in halves; halves split again
 * at once (isolating the culprit in log2(n) steps); a single workspace is retried once, then given up.
 */
export function stepAfterFailure(batch: Batch): FailureStep {
  const single = batch.workspaceIds.length === 1;
  if ((single || !batch.split) && batch.failures === 0) {
    return { kind: 'retry', batch: { ...batch, failures: 1 } };
  }
  if (single) return { kind: 'give-up', workspaceId: batch.workspaceIds[0] ?? '' };
  const middle = Math.ceil(batch.workspaceIds.length / 2);
  const half = (suffix: string, workspaceIds: string[]): Batch => ({
    id: `${batch.id}.${suffix}`,
    workspaceIds,
    failures: 0,
    resubmits: 0,
    split: true,
  });
  return {
    kind: 'split',
    batches: [half('1', batch.workspaceIds.slice(0, middle)), half('2', batch.workspaceIds.slice(middle))],
  };
}
