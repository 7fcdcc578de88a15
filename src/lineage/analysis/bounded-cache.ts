/**
 * A map bounded by a total weight (entry count, or e.g. the characters of the text an entry was
 * built from when entries differ widely in size), evicting about the least recently used first:
 * "second chance" (CLOCK). A hit only marks its entry; eviction walks from the oldest insertion and
 * moves a marked entry to the back (unmarked) instead of dropping it. A hit thus costs no Map
 * deletion and reinsertion, which showed in profiles of a sync (millions of hits) and left the
 * Map's table churning for the collector.
 */
interface Entry<V> {
  value: V;
  weight: number;
  used: boolean;
}

export class BoundedCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private total = 0;

  constructor(
    private readonly capacity: number,
    private readonly weigh: (key: K, value: V) => number = () => 1,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = true;
    return entry.value;
  }

  set(key: K, value: V): void {
    const weight = this.weigh(key, value);
    this.delete(key);
    // An entry heavier than the whole budget is not kept (it would evict everything else).
    if (weight > this.capacity) return;
    this.entries.set(key, { value, weight, used: false });
    this.total += weight;
    this.evictFor(key);
  }

  /** Drops entries until the total fits; `added` (just set) and entries used since they were last passed over go to the back. */
  private evictFor(added: K): void {
    for (const [key, entry] of this.entries) {
      if (this.total <= this.capacity) break;
      this.entries.delete(key);
      if (key === added || entry.used) {
        entry.used = false;
        this.entries.set(key, entry);
      } else {
        this.total -= entry.weight;
      }
    }
  }

  delete(key: K): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.total -= entry.weight;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
