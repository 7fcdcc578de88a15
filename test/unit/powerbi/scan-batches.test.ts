import { makeBatches, stepAfterFailure, uniqueIds, type Batch } from '../../../src/powerbi/scan-batches.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `ws-${i}`);

describe('scan batches', () => {
  it('splits ids into batches of at most the given size, dropping duplicates', () => {
    const input = [...ids(250), 'WS-3', 'ws-10'];
    const batches = makeBatches(uniqueIds(input), 100);
    expect(batches.map((b) => b.workspaceIds.length)).toEqual([100, 100, 50]);
    expect(batches.flatMap((b) => b.workspaceIds)).toEqual(ids(250));
  });

  it('isolates one bad workspace: retry once, then halve until it stands alone, then retry it once', () => {
    const bad = 'ws-37';
    const queue: Batch[] = makeBatches(ids(100), 100);
    const givenUp: string[] = [];
    const scanned: string[] = [];
    let scans = 0;
    while (queue.length > 0) {
      const batch = queue.shift() as Batch;
      scans += 1;
      if (!batch.workspaceIds.includes(bad)) {
        scanned.push(...batch.workspaceIds);
        continue;
      }
      const step = stepAfterFailure(batch);
      if (step.kind === 'retry') queue.unshift(step.batch);
      else if (step.kind === 'split') queue.unshift(...step.batches);
      else givenUp.push(step.workspaceId);
    }
    expect(givenUp).toEqual([bad]);
    expect(scanned.sort()).toEqual(
      ids(100)
        .filter((id) => id !== bad)
        .sort(),
    );
    // 2 scans of the full batch, then two halves per level over 7 levels, plus the retry of the single one
    expect(scans).toBeLessThanOrEqual(2 + 2 * 7 + 1);
  });
});
