/**
 * Runs the api streams after the shared scan: each yields records, checkpoints and log lines, which
 * become RECORD, STATE and LOG messages of that stream, and ends COMPLETE as soon as its read ends
 * (INCOMPLETE if it fails). One stream's failure does not keep the later ones from saving what the
 * scan gave them; the first failure is thrown once all have run.
 */
import type { ConnectorOptions } from '../../config/options.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { ApiStreamDefinition, ScanObserver } from '../../streams/api-stream.js';
import { markUnfinishedFullRefresh, unfinishedFullRefresh } from '../../streams/stream-state.js';
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

/**
 * How the stream is read: a resumable full_refresh given an unfinished full_refresh's checkpoint
 * continues from it (incremental from there); every other read as configured.
 */
function readMode(stream: SelectedApiStream): Pick<SelectedApiStream, 'syncMode' | 'state'> & {
  resumed: boolean;
} {
  const unfinished = stream.definition.fullRefreshResumes && unfinishedFullRefresh(stream.state);
  if (stream.syncMode === 'full_refresh' && unfinished)
    return { syncMode: 'incremental', state: unfinished, resumed: true };
  return { syncMode: stream.syncMode, state: stream.state, resumed: false };
}

async function runOne(stream: SelectedApiStream, input: ApiSyncInput): Promise<void> {
  const { definition, emitter } = stream;
  const mode = readMode(stream);
  if (mode.resumed)
    await input.log('INFO', `${definition.name}: resuming the unfinished full_refresh read from its state.`);
  const items = definition.read({
    client: input.client,
    options: input.options,
    syncMode: mode.syncMode,
    state: mode.state,
    observer: stream.observer,
    now: new Date(),
  });
  // A resumable full_refresh marks every checkpoint but its last as unfinished, so that only a read
  // that stopped half-way is continued: a checkpoint is held until the next item shows it was not the last.
  const marks = stream.syncMode === 'full_refresh' && definition.fullRefreshResumes === true;
  let held: JsonObject | undefined;
  const release = async (last: boolean): Promise<void> => {
    if (held === undefined) return;
    const state = held;
    held = undefined;
    await emitter.state(last ? state : markUnfinishedFullRefresh(state));
  };
  try {
    for await (const item of items) {
      if ('record' in item) {
        await release(false);
        await emitter.record(item.record);
      } else if ('checkpoint' in item) {
        await release(false);
        if (marks) held = item.checkpoint;
        else await emitter.state(item.checkpoint);
      } else await input.log(item.log.level, item.log.message);
    }
  } catch (error) {
    await release(false);
    throw error;
  }
  await release(true);
}

export async function runApiStreams(streams: SelectedApiStream[], input: ApiSyncInput): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const stream of streams) {
    stream.emitter.begin();
    try {
      await runOne(stream, input);
      await stream.emitter.complete();
    } catch (error) {
      await stream.emitter.incomplete();
      if (input.signal?.aborted) throw error;
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
