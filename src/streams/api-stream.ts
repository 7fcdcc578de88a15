/**
 * An api stream reads its own endpoint (activity events, refresh history, apps) and yields what it
 * finds: records, checkpoints (a state to resume from: everything before it was yielded) and log
 * lines. It gets its client, options, input state and what the shared scan saw as input; the read
 * command runs it after the scan and turns its items into RECORD, STATE and LOG messages.
 */
import type { ConnectorOptions } from '../config/options.js';
import type { PowerBiClient } from '../powerbi/client.js';
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import { loadStreamSchema } from './schema-loader.js';
import type { ScanBatch, StreamBase, StreamRecord } from './stream.js';
import type { StreamState } from './stream-state.js';

/** What the shared scan of this read saw, for streams that need artifact ids (e.g. refresh history). */
export interface ScanObserver {
  /** Called for every workspace the scan returned (whatever the workspace filters decided). */
  onWorkspace(workspace: ScanWorkspace, scannedAt: string): void;
  /** Called with every finished batch's tenant-level lists (gateways need its datasource instances). */
  onBatch?(batch: ScanBatch, scannedAt: string): void;
}

export interface ApiLog {
  level: 'INFO' | 'WARN';
  message: string;
}

export type ApiItem<R = StreamRecord> = { record: R } | { checkpoint: StreamState } | { log: ApiLog };

export interface ApiReadInput {
  client: PowerBiClient;
  options: ConnectorOptions;
  syncMode: 'full_refresh' | 'incremental';
  /** This stream's input state (undefined: none, or the stream was reset). */
  state: StreamState | undefined;
  /** What observeScan() returned, once the scan fed it (it saw nothing when no scan stream ran). */
  observer: ScanObserver | undefined;
  now: Date;
}

export interface ApiStreamDefinition extends StreamBase {
  kind: 'api';
  /** Whether discover lists it and read accepts it for these options (e.g. activity_events.enabled). */
  enabled: (options: ConnectorOptions) => boolean;
  /** Optional: a fresh observer of the shared scan, which runs only when a scan stream is selected too. */
  observeScan?: () => ScanObserver;
  /**
   * A full_refresh read given the checkpoint of an unfinished full_refresh read continues it: its
   * read from that checkpoint in incremental mode yields exactly what the full read had left.
   * Declared in discover as `is_resumable`; without it a full_refresh read always starts over.
   */
  fullRefreshResumes?: boolean;
  read: (input: ApiReadInput) => AsyncIterable<ApiItem>;
}

/** An api stream as its file declares it, typed with the record interface generated from its schema. */
export interface ApiStreamSpec<R extends object> {
  name: string;
  primaryKey: (keyof R & string)[];
  cursorField: keyof R & string;
  enabled: (options: ConnectorOptions) => boolean;
  observeScan?: () => ScanObserver;
  fullRefreshResumes?: boolean;
  read: (input: ApiReadInput) => AsyncIterable<ApiItem<R>>;
}

export function defineApiStream<R extends object>(spec: ApiStreamSpec<R>): ApiStreamDefinition {
  const { read, observeScan } = spec;
  return {
    kind: 'api',
    name: spec.name,
    primaryKey: spec.primaryKey.map((field) => [field]),
    cursorField: [spec.cursorField],
    jsonSchema: loadStreamSchema(spec.name, spec.primaryKey, spec.cursorField),
    enabled: spec.enabled,
    ...(observeScan && { observeScan }),
    ...(spec.fullRefreshResumes && { fullRefreshResumes: true }),
    // Generated record interfaces have no index signature, hence the one widening cast.
    read: (input) => read(input) as unknown as AsyncIterable<ApiItem>,
  };
}

export function info(message: string): ApiItem<never> {
  return { log: { level: 'INFO', message } };
}

export function warn(message: string): ApiItem<never> {
  return { log: { level: 'WARN', message } };
}
