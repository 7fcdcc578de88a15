/**
 * Streams whose state is ahead of the clock (a cursor in the future, e.g. year 2999). Airbyte's rule:
 * nothing is newer than the cursor, so such a stream is not read at all; it hands its state back
 * unchanged and completes. Only incremental reads: a full_refresh read ignores the cursor.
 */
import type { JsonObject } from '../../protocol/messages.js';
import type { StreamDefinition } from '../../streams/stream.js';
import { futureCursor } from '../../streams/stream-state.js';
import type { StreamEmitter } from './stream-emitter.js';

export interface AheadStream {
  emitter: StreamEmitter;
  /** The input state, handed back as it came. */
  state: JsonObject;
  cursorAt: number;
}

/** The stream's future cursor when an incremental read must leave it alone; else undefined. */
export function aheadCursor(
  definition: StreamDefinition,
  syncMode: 'full_refresh' | 'incremental',
  state: JsonObject | undefined,
  now: Date,
): number | undefined {
  if (syncMode !== 'incremental') return undefined;
  return futureCursor(state, definition.cursorField[0], now.getTime());
}

/** WARN, the state back, COMPLETE: no record and no API call for this stream. */
export async function completeAhead(
  stream: AheadStream,
  log: (level: 'INFO' | 'WARN', message: string) => Promise<void>,
): Promise<void> {
  const { emitter } = stream;
  emitter.begin();
  await log(
    'WARN',
    `State of stream ${emitter.name}: its cursor ${new Date(stream.cursorAt).toISOString()} lies in the future, so nothing is newer: the stream reads no records and keeps this state. Reset the stream (clear its state) to read it again.`,
  );
  await emitter.state(stream.state);
  await emitter.complete();
}
