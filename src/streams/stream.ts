/**
 * What a stream is: a name, a primary key, a cursor field and the JSON Schema from
 * schemas/<name>.json, plus one of two ways to get its records (a discriminated union on `kind`):
 * - scan: pure mappings from a workspace of the shared scan (or a scan batch's lists) to records;
 * - api: its own read of its own endpoint, yielding records and checkpoints (src/streams/api-stream.ts).
 * The read command drives both; no stream writes to stdout or builds protocol messages.
 */
import type { LineageAnalyser } from '../lineage/index.js';
import type { DeferredLineage } from './lineage-deferred.js';
import type { OdbcDsnMapping } from '../config/options.js';
import type { ScanDatasourceInstance, ScanWorkspace } from '../powerbi/scan-types.js';
import type { ApiStreamDefinition } from './api-stream.js';
import { loadStreamSchema, type StreamJsonSchema } from './schema-loader.js';
import type { UserIdentifiersMode } from './privacy.js';

export type { StreamJsonSchema } from './schema-loader.js';
export type { UserIdentifiersMode } from './privacy.js';

export interface MappingContext {
  /** ISO date-time of the scan of the workspace (for datasources: of the batch) being mapped. */
  scannedAt: string;
  /** What happens to user e-mail addresses, identifiers, object ids and display names. */
  userIdentifiers: UserIdentifiersMode;
  lineage: {
    /** Parse tables' Power Query M into warehouse-table edges. Item-to-item edges are always emitted. */
    enabled: boolean;
    odbcDsnMap?: Record<string, OdbcDsnMapping>;
    /** Where M is analysed (worker threads in a read); without one, in this thread. */
    analyser?: LineageAnalyser;
    /**
     * Tables that wait for their batch's datasource instances (structured data sources): given
     * by the read, which always maps the batch (fromBatch) after its workspaces.
     */
    deferred?: DeferredLineage;
    /** The read selected column_lineage: the M analyses follow columns too (the lineage stream shares them). */
    columns?: boolean;
  };
}

/** The batch-level lists of a scan result; they are not nested under any workspace. */
export interface ScanBatch {
  datasourceInstances: readonly ScanDatasourceInstance[];
  misconfiguredDatasourceInstances: readonly ScanDatasourceInstance[];
}

export type StreamRecord = Record<string, unknown>;

/**
 * The records of one mapping call, for `for await`. A synchronous mapping's records are also
 * iterable, so the read can take them without a promise per record (see isIterable).
 */
export type StreamRecords = AsyncIterable<StreamRecord> & Partial<Iterable<StreamRecord>>;

export function isIterable(records: StreamRecords): records is StreamRecords & Iterable<StreamRecord> {
  return typeof records[Symbol.iterator] === 'function';
}

/** Most mappings are plain generators; lineage awaits the (asynchronous) M parser. */
export type RecordSource<R> = Iterable<R> | AsyncIterable<R>;

/** What every stream declares, whatever its kind. */
export interface StreamBase {
  name: string;
  /** Airbyte's shape: a list of field paths; ours are all top-level fields, e.g. [['datasetId'], ['name']]. */
  primaryKey: string[][];
  /** The record field a destination dedups on (the latest row wins); discover's default cursor. */
  cursorField: string[];
  jsonSchema: StreamJsonSchema;
}

export interface ScanStreamDefinition extends StreamBase {
  kind: 'scan';
  /** Records of one scanned workspace (every scan stream but datasources). Consume with `for await`. */
  fromWorkspace?: (ws: ScanWorkspace, ctx: MappingContext) => StreamRecords;
  /** Records of a scan batch's top-level lists (datasources). Consume with `for await`. */
  fromBatch?: (batch: ScanBatch, ctx: MappingContext) => StreamRecords;
}

export type StreamDefinition = ScanStreamDefinition | ApiStreamDefinition;

/** A scan stream as its file declares it, typed with the record interface generated from its schema. */
export interface StreamSpec<R extends object> {
  name: string;
  primaryKey: (keyof R & string)[];
  fromWorkspace?: (ws: ScanWorkspace, ctx: MappingContext) => RecordSource<R>;
  fromBatch?: (batch: ScanBatch, ctx: MappingContext) => RecordSource<R>;
}

/** Every scan stream's records carry the time of their workspace's scan: the deletion watermark. */
const SCAN_CURSOR = 'scannedAt';

/**
 * A record's primary key as one string, exactly: two records get the same string only when their
 * key fields are equal. String fields (the usual case) are joined with their lengths instead of
 * being serialized as JSON.
 */
export function primaryKeyText(record: StreamRecord, fields: readonly string[]): string {
  let text = 's';
  for (let i = 0; i < fields.length; i += 1) {
    const value = record[fields[i]!];
    if (typeof value !== 'string') return 'j' + JSON.stringify(fields.map((field) => record[field]));
    text += i === fields.length - 1 ? value : `${value.length}:${value}`;
  }
  return text;
}

/** The keys of the records yielded so far; a single string field (most keys) is kept as it is. */
class SeenKeys {
  private readonly single: string | undefined;
  private readonly strings = new Set<string>();
  private readonly texts = new Set<string>();

  constructor(private readonly fields: readonly string[]) {
    this.single = fields.length === 1 ? fields[0] : undefined;
  }

  firstTime(record: StreamRecord): boolean {
    const value = this.single === undefined ? undefined : record[this.single];
    if (typeof value === 'string') return addNew(this.strings, value);
    return addNew(this.texts, primaryKeyText(record, this.fields));
  }
}

function addNew(set: Set<string>, key: string): boolean {
  if (set.has(key)) return false;
  set.add(key);
  return true;
}

/**
 * Generated record interfaces have no index signature, hence the one widening cast. A payload that
 * lists an artifact twice (seen in scan results) would give its key twice: the first one wins, so
 * one call (one workspace, one batch) never yields a key twice.
 */
class UniqueRecords<R extends object> implements AsyncIterable<StreamRecord>, Iterable<StreamRecord> {
  constructor(
    private readonly source: Iterable<R>,
    private readonly primaryKey: readonly string[],
  ) {}

  *[Symbol.iterator](): Generator<StreamRecord> {
    const seen = new SeenKeys(this.primaryKey);
    for (const item of this.source) {
      const record = item as unknown as StreamRecord;
      if (seen.firstTime(record)) yield record;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<StreamRecord> {
    const records = this[Symbol.iterator]();
    return {
      next: () => Promise.resolve(records.next()),
      return: () => Promise.resolve(records.return(undefined)),
    };
  }
}

async function* uniqueAsync<R extends object>(
  source: AsyncIterable<R>,
  primaryKey: readonly string[],
): AsyncIterable<StreamRecord> {
  const seen = new SeenKeys(primaryKey);
  for await (const item of source) {
    const record = item as unknown as StreamRecord;
    if (seen.firstTime(record)) yield record;
  }
}

function widen<R extends object>(source: RecordSource<R>, primaryKey: readonly string[]): StreamRecords {
  return Symbol.iterator in source ? new UniqueRecords(source, primaryKey) : uniqueAsync(source, primaryKey);
}

/** Declares a scan stream. */
export function defineStream<R extends object>(spec: StreamSpec<R>): ScanStreamDefinition {
  const definition: ScanStreamDefinition = {
    kind: 'scan',
    name: spec.name,
    primaryKey: spec.primaryKey.map((field) => [field]),
    cursorField: [SCAN_CURSOR],
    jsonSchema: loadStreamSchema(spec.name, spec.primaryKey, SCAN_CURSOR),
  };
  const { fromWorkspace, fromBatch } = spec;
  if (fromWorkspace) definition.fromWorkspace = (ws, ctx) => widen(fromWorkspace(ws, ctx), spec.primaryKey);
  if (fromBatch) definition.fromBatch = (batch, ctx) => widen(fromBatch(batch, ctx), spec.primaryKey);
  return definition;
}
