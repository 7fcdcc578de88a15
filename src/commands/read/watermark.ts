/**
 * Tracks which workspaces of a sync are finished when batches complete out of order. The state
 * may only claim the contiguous prefix (in sorted id order) that is done, so a resumed sync re-scans
 * at most the batches that were in flight.
 */
export class CompletionWatermark {
  private readonly done = new Set<string>();
  private next = 0;

  constructor(private readonly sortedIds: readonly string[]) {}

  /** Marks workspaces finished; returns true when the contiguous prefix grew. */
  complete(ids: Iterable<string>): boolean {
    for (const id of ids) this.done.add(id);
    const before = this.next;
    while (this.next < this.sortedIds.length && this.done.has(this.sortedIds[this.next]!)) this.next += 1;
    return this.next > before;
  }

  get doneThroughId(): string | undefined {
    return this.next === 0 ? undefined : this.sortedIds[this.next - 1];
  }

  get finished(): boolean {
    return this.next === this.sortedIds.length;
  }
}
