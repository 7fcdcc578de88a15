/**
 * Runs the api streams after the shared scan: each yields records, checkpoints and log lines, which
 * become RECORD, STATE and LOG messages of that stream. One stream's failure does not keep the later
 * ones from saving what the scan gave them; the first failure is thrown once all have run.
 */
import type { ConnectorOptions } from '../../config/options.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { ApiStreamDefinition, ScanObserver } from '../../streams/api-stream.js';
import type { StreamEmitter } from './stream-emitter.js';

export interface SelectedApiStream {
  definition: ApiStreamDefinition;
  emitter: StreamEmitter;
  syncMode: 'full_refresh' | 'incremental';
  state: JsonObject | undefined;
  /** Created before the scan, so that it sees every scanned workspace. */
  observer: ScanObserver | undefined;
}

export interface ApiSyncInput {
  client: PowerBiClient;
  options: ConnectorOptions;
  log: (level: 'INFO' | 'WARN', message: string) => Promise<void>;
  /** Aborted when the read is asked to stop: then a failure ends the read at once. */
  signal?: AbortSignal;
}

async function runOne(stream: SelectedApiStream, input: ApiSyncInput): Promise<void> {
  const items = stream.definition.read({
    client: input.client,
    options: input.options,
    syncMode: stream.syncMode,
    state: stream.state,
    observer: stream.observer,
    now: new Date(),
  });
  for await (const item of items) {
    if ('record' in item) await stream.emitter.record(item.record);
    else if ('checkpoint' in item) await stream.emitter.state(item.checkpoint);
    else await input.log(item.log.level, item.log.message);
  }
}

export async function runApiStreams(streams: SelectedApiStream[], input: ApiSyncInput): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const stream of streams) {
    try {
      await runOne(stream, input);
    } catch (error) {
      if (input.signal?.aborted) throw error;
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
