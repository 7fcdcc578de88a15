/**
 * Parse trees by shape (m/m-template.ts), kept for the run only once a shape recurs. Most shapes
 * of a tenant occur once (a chain of applied steps of its own); keeping every tree for the run
 * spent the store on trees never used again, evicted the shapes that do recur, and gave the
 * collector ~70 KB of tree per such text to promote and later mark. A new shape's tree waits in a
 * small probation store (tables of one dataset, copies of a dataset nearby, often share a shape);
 * a shape met again after its tree left probation is parsed once more and then kept. A shape seen
 * once costs a 32-bit hash beyond that. A shape whose texts do not parse as they are keeps what
 * its first text met (parse-m.ts: the commas repaired, or the parse error), so the next texts of
 * that shape skip the failing parse. A kept tree is a copy with the token ranges cut to what
 * copying reads (slimTemplate): a third less memory for the trees that stay all run.
 */
import { BoundedCache } from './bounded-cache.js';
import { slimTemplate } from '../m/m-template.js';
import type { MAst, ShapeProblem, TemplateStore } from '../m/parse-m.js';

/** FNV-1a: a collision only admits a shape one text early. */
function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export interface TemplateStoreLimits {
  /** Characters of keys whose trees are kept for the run. */
  keptChars: number;
  /** Characters of keys of new shapes whose trees wait to be met again. */
  probationChars: number;
  /** Shapes remembered (as hashes) as seen once. */
  seenShapes: number;
}

export class RecurringTemplates implements TemplateStore {
  private readonly kept: BoundedCache<string, MAst>;
  private readonly probation: BoundedCache<string, MAst>;
  private readonly seenOnce = new Set<number>();
  private readonly problems: BoundedCache<string, ShapeProblem>;

  constructor(private readonly limits: TemplateStoreLimits) {
    const byLength = (key: string): number => key.length;
    this.kept = new BoundedCache(limits.keptChars, byLength);
    this.probation = new BoundedCache(limits.probationChars, byLength);
    this.problems = new BoundedCache(limits.keptChars, byLength);
  }

  problemOf(key: string): ShapeProblem | undefined {
    return this.problems.get(key);
  }

  setProblem(key: string, problem: ShapeProblem): void {
    this.problems.set(key, problem);
  }

  /** Trees kept for the run (not those on probation). */
  get size(): number {
    return this.kept.size;
  }

  get(key: string): MAst | undefined {
    const kept = this.kept.get(key);
    if (kept !== undefined) return kept;
    const waiting = this.probation.get(key);
    if (waiting === undefined) return undefined;
    this.probation.delete(key);
    const slim = slimTemplate(waiting);
    this.kept.set(key, slim);
    return slim;
  }

  set(key: string, ast: MAst): void {
    const hash = hashOf(key);
    if (this.seenOnce.delete(hash)) {
      this.kept.set(key, slimTemplate(ast));
      return;
    }
    // Forgetting them all at once only means a shape's next text counts as its first again.
    if (this.seenOnce.size >= this.limits.seenShapes) this.seenOnce.clear();
    this.seenOnce.add(hash);
    this.probation.set(key, ast);
  }

  clear(): void {
    this.kept.clear();
    this.probation.clear();
    this.seenOnce.clear();
    this.problems.clear();
  }
}
