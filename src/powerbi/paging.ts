import { systemError } from '../errors.js';

/** Remembers continuation markers of one paging loop and fails loudly if one comes back: an endless loop otherwise. */
export class ContinuationGuard {
  private readonly seen = new Set<string>();

  constructor(private readonly what: string) {}

  check(marker: string): void {
    if (this.seen.has(marker)) {
      throw systemError(
        `Power BI returned the same continuation for ${this.what} twice; stopping instead of looping.`,
        {
          internalMessage: `repeated continuation: ${marker.slice(0, 120)}`,
        },
      );
    }
    this.seen.add(marker);
  }
}
