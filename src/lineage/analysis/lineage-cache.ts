/**
 * Memory for a whole sync: the same M text (a dataset published to dev, test and prod workspaces,
 * a shared query used by every table of a dataset) and the same native SQL recur across a tenant.
 * Everything here is a pure function of its key (given the cache's analysis limits), so a hit gives
 * exactly what a fresh computation would, with one exception: an M text whose parse, or a table
 * whose walk, ran out of time is remembered as such for the run rather than retried (a sync would
 * otherwise spend the time budget again on every copy of it). Each part is bounded; parsed M trees take ~60 bytes per character of text, so that part
 * is bounded by characters.
 */
import { createHash } from 'node:crypto';
import { BoundedCache } from './bounded-cache.js';
import { DEFAULT_ANALYSIS_LIMITS, type AnalysisLimits, type Deadline } from '../limits.js';
import { extractSqlTablePaths, type SqlTablePaths } from '../sql/native-sql.js';
import { parseM, type MAst, type ParseOutcome } from '../m/parse-m.js';
import type { MLineageResult } from '../types.js';

export interface LineageCacheLimits {
  /**
   * Characters of M text whose parse trees are kept (default 100,000: about 6 MB of trees). Enough
   * for the shared queries of the dataset being read; repeats further apart hit the template or
   * result cache.
   */
  parsedTextChars?: number;
  /**
   * Characters of template keys (about the length of their text) whose trees serve later texts of
   * the same shape (default 250,000: about 15 MB of trees).
   */
  templateChars?: number;
  /** Characters of M text whose referenced names are kept (default 4,000,000). */
  namesTextChars?: number;
  /** Characters of native SQL whose table lists are kept (default 4,000,000). */
  sqlChars?: number;
  /**
   * Weight of the lineage results kept (default 50,000). A result weighs 1, plus 1 per upstream,
   * diagnostic, traced column and column origin: about 200 bytes of heap per unit. Counting entries
   * instead let results with column lineage (10 times larger) fill a worker's heap: at 10,000
   * workspaces the collector then ran without pause and column lineage cost 3.8 times the read.
   */
  results?: number;
  /**
   * Bounds on the analysis of one table expression (see limits.ts; defaults in
   * DEFAULT_ANALYSIS_LIMITS). They belong to the cache because what it keeps depends on them.
   */
  analysis?: Partial<AnalysisLimits>;
}

/** Names an M text mentions; null when it does not parse. */
export type KnownNames = readonly string[] | null;

export class LineageCache {
  private readonly parsed: BoundedCache<string, Promise<ParseOutcome>>;
  private readonly templates: BoundedCache<string, MAst>;
  private readonly names: BoundedCache<string, KnownNames>;
  private readonly sql: BoundedCache<string, SqlTablePaths>;
  private readonly results: BoundedCache<string, MLineageResult>;
  readonly limits: Readonly<AnalysisLimits>;

  constructor(limits: LineageCacheLimits = {}) {
    this.limits = { ...DEFAULT_ANALYSIS_LIMITS, ...limits.analysis };
    const byLength = (key: string): number => key.length;
    this.parsed = new BoundedCache(limits.parsedTextChars ?? 100_000, byLength);
    this.templates = new BoundedCache(limits.templateChars ?? 250_000, byLength);
    this.names = new BoundedCache(limits.namesTextChars ?? 4_000_000, byLength);
    this.sql = new BoundedCache(limits.sqlChars ?? 4_000_000, byLength);
    this.results = new BoundedCache(limits.results ?? 50_000, (_key, result) => resultWeight(result));
  }

  /** Parses M text once while it stays in the cache; concurrent callers share one parse. */
  parse(text: string): Promise<ParseOutcome> {
    let outcome = this.parsed.get(text);
    if (outcome === undefined) {
      outcome = parseM(text, this.templates, this.limits).then((result) => {
        this.names.set(text, result.ok ? result.names : null);
        return result;
      });
      this.parsed.set(text, outcome);
    }
    return outcome;
  }

  /** Names a text mentions if it was parsed before (even when its tree has been dropped since). */
  namesOf(text: string): KnownNames | undefined {
    return this.names.get(text);
  }

  /** `deadline`: the table's; when it passes between SQL dialects the LimitExceededError is thrown, nothing is kept. */
  sqlTablePaths = (sql: string, platform: string, deadline?: Deadline): SqlTablePaths => {
    const key = `${platform}\u0000${sql}`;
    let paths = this.sql.get(key);
    if (paths === undefined) {
      paths = extractSqlTablePaths(sql, platform, this.limits, deadline);
      this.sql.set(key, paths);
    }
    return paths;
  };

  /** A result is keyed by a digest of every input it depends on (see resultKey in extract.ts). */
  result(key: string): MLineageResult | undefined {
    const found = this.results.get(digest(key));
    return found === undefined ? undefined : copyResult(found);
  }

  storeResult(key: string, result: MLineageResult): void {
    this.results.set(digest(key), copyResult(result));
  }
}

export function resultWeight(result: MLineageResult): number {
  let weight = 1 + result.upstreams.length + result.diagnostics.length;
  for (const column of result.columns ?? []) weight += 1 + column.upstreams.length;
  return weight;
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('base64');
}

/** Callers own what they get: the cached copy is never handed out. */
function copyResult(result: MLineageResult): MLineageResult {
  const copy: MLineageResult = {
    upstreams: result.upstreams.map((upstream) => ({ ...upstream })),
    diagnostics: result.diagnostics.map((diagnostic) => ({ ...diagnostic })),
  };
  if (result.columns !== undefined)
    copy.columns = result.columns.map((column) => ({
      ...column,
      upstreams: column.upstreams.map((origin) => ({ table: { ...origin.table }, column: origin.column })),
    }));
  return copy;
}

const shared = new LineageCache();

/** The cache extractMLineage uses when the caller passes none: one per process, i.e. per sync. */
export function sharedLineageCache(): LineageCache {
  return shared;
}
