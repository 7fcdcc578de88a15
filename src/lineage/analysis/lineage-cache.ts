/**
 * Memory for a whole sync: the same M text (a dataset published to dev, test and prod workspaces,
 * a shared query used by every table of a dataset) and the same native SQL recur across a tenant.
 * Everything here is a pure function of its key (given the cache's analysis limits), so a hit gives
 * exactly what a fresh computation would, with one exception: an M text whose parse, or a table
 * whose walk, ran out of time is remembered as such for the run rather than retried (a sync would
 * otherwise spend the time budget again on every copy of it). Each part is bounded; parsed M trees take ~60 bytes per character of text, so that part
 * is bounded by characters.
 */
import { hash } from 'node:crypto';
import { BoundedCache } from './bounded-cache.js';
import { RecurringTemplates } from './template-store.js';
import { DEFAULT_ANALYSIS_LIMITS, type AnalysisLimits, type Deadline } from '../limits.js';
import { extractSqlTablePaths, type SqlTablePaths } from '../sql/native-sql.js';
import { sqlColumnLineage, type SqlColumnsResult } from '../sql/sql-columns.js';
import { parseM, type ParseOutcome } from '../m/parse-m.js';
import type { MLineageResult } from '../types.js';

export interface LineageCacheLimits {
  /**
   * Characters of M text whose parse trees are kept (default 100,000: about 6 MB of trees). Enough
   * for the shared queries of the dataset being read; repeats further apart hit the template or
   * result cache.
   */
  parsedTextChars?: number;
  /**
   * Characters of template keys (about one per token) whose trees serve later texts of the same
   * shape (default 100,000: about 14 MB of trees). A shape's tree is kept once the shape recurs
   * (template-store.ts).
   */
  templateChars?: number;
  /**
   * M texts whose referenced names are kept (default 16,000: about 6 MB). Keyed by a digest of the
   * text, not the text: the texts themselves would take 3 to 4 times the memory.
   */
  namesEntries?: number;
  /** Characters of native SQL whose table lists, and whose output columns, are kept (default 600,000 each). */
  sqlChars?: number;
  /**
   * Characters of lineage results kept, as JSON text (default 4,000,000: about 6 MB; a result is
   * ~250 characters, ~1,700 with column lineage). Kept as text, not objects: the collector does
   * not trace through a string, and counting entries instead let results with column lineage fill
   * a worker's heap (at 10,000 workspaces the collector then ran without pause).
   */
  resultChars?: number;
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
  private readonly templates: RecurringTemplates;
  /** JSON of the names, by digest of the text: one flat string, not the parser's slices of the text. */
  private readonly names: BoundedCache<string, string>;
  private readonly sql: BoundedCache<string, SqlTablePaths>;
  private readonly sqlColumnResults: BoundedCache<string, SqlColumnsResult>;
  private readonly results: BoundedCache<string, string>;
  readonly limits: Readonly<AnalysisLimits>;

  constructor(limits: LineageCacheLimits = {}) {
    this.limits = { ...DEFAULT_ANALYSIS_LIMITS, ...limits.analysis };
    const byLength = (key: string): number => key.length;
    this.parsed = new BoundedCache(limits.parsedTextChars ?? 100_000, byLength);
    this.templates = new RecurringTemplates({
      keptChars: limits.templateChars ?? 100_000,
      probationChars: 5_000,
      seenShapes: 200_000,
    });
    this.names = new BoundedCache(limits.namesEntries ?? 16_000);
    this.sql = new BoundedCache(limits.sqlChars ?? 600_000, byLength);
    this.sqlColumnResults = new BoundedCache(limits.sqlChars ?? 600_000, byLength);
    this.results = new BoundedCache(limits.resultChars ?? 4_000_000, (_key, json) => json.length);
  }

  /** Parses M text once while it stays in the cache; concurrent callers share one parse. */
  parse(text: string): Promise<ParseOutcome> {
    let outcome = this.parsed.get(text);
    if (outcome === undefined) {
      outcome = parseM(text, this.templates, this.limits).then((result) => {
        this.names.set(digest(text), JSON.stringify(result.ok ? result.names : null));
        return result;
      });
      this.parsed.set(text, outcome);
    }
    return outcome;
  }

  /** Names a text mentions if it was parsed before (even when its tree has been dropped since). */
  namesOf(text: string): KnownNames | undefined {
    const json = this.names.get(digest(text));
    return json === undefined ? undefined : (JSON.parse(json) as KnownNames);
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

  /**
   * The output columns of a native query. A result cut short by the time budget is not kept: the
   * same query elsewhere may have the time to finish.
   */
  sqlColumns = (sql: string, platform: string, deadline?: Deadline): SqlColumnsResult => {
    const key = `${platform}\u0000${sql}`;
    let result = this.sqlColumnResults.get(key);
    if (result === undefined) {
      result = sqlColumnLineage(sql, platform, undefined, {
        limits: this.limits,
        ...(deadline !== undefined && { deadline }),
      });
      if (!result.diagnostics.some((d) => d.kind === 'limit_exceeded'))
        this.sqlColumnResults.set(key, result);
    }
    return result;
  };

  /** A result is keyed by a digest of every input it depends on (see resultKey in extract.ts). */
  result(key: string): MLineageResult | undefined {
    const found = this.resultJson(key);
    // Parsed anew on every hit: callers own what they get, the stored text never changes.
    return found === undefined ? undefined : (JSON.parse(found) as MLineageResult);
  }

  /** The stored result as JSON text. */
  resultJson(key: string): string | undefined {
    return this.results.get(digest(key));
  }

  /** Keeps a result (with column tracking: the walk, see extract.ts) as JSON text, and returns that text. */
  storeResult(key: string, value: unknown): string {
    const json = JSON.stringify(value);
    this.results.set(digest(key), json);
    return json;
  }
}

function digest(key: string): string {
  return hash('sha256', key, 'base64');
}

const shared = new LineageCache();

/** The cache extractMLineage uses when the caller passes none: one per process, i.e. per sync. */
export function sharedLineageCache(): LineageCache {
  return shared;
}
