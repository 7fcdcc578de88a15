import type { Config } from '../../config/config.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import type { ScanWorkspace } from '../../powerbi/scan-types.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { StreamDefinition } from '../../streams/stream.js';
import type { StreamEmitter } from '../read/stream-emitter.js';

/** What the shared scan of this sync saw, for streams that need artifact ids (e.g. refresh history). */
export interface ScanObserver {
  /** Called for every workspace the scan returned (whatever the workspace filters decided). */
  onWorkspace(workspace: ScanWorkspace, scannedAt: string): void;
}

export interface UsageSyncInput {
  client: PowerBiClient;
  config: Config;
  syncMode: 'full_refresh' | 'incremental';
  /** This stream's input state (undefined: none, or the stream was reset). */
  state: JsonObject | undefined;
  /** Emits RECORD/STATE for this stream (STARTED/RUNNING/COMPLETE are handled by the read command). */
  emitter: StreamEmitter;
  log: (level: 'INFO' | 'WARN', message: string) => Promise<void>;
  now: Date;
}

/**
 * A stream that does not come from the Scanner API (activity events, refresh history, apps): it
 * declares itself like a scan stream and brings its own incremental read. The read command runs
 * these after the shared scan, each with its own state.
 */
export interface UsageStream {
  definition: StreamDefinition;
  /** The record field a destination dedups on (latest wins), e.g. ['endTime']; shown in discover. */
  cursorField: string[];
  /** Whether discover lists it for this config (e.g. activity events need activity_events.enabled). */
  enabled(config: Config): boolean;
  /** Optional: observe the shared scan, which runs only when a scan stream is selected too. */
  createObserver?(): ScanObserver;
  sync(input: UsageSyncInput, observer: ScanObserver | undefined): Promise<void>;
}
