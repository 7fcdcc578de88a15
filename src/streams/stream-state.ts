/**
 * Shared readers and writers of stream state. A state comes back from outside (the platform, a
 * user's file): a foreign, malformed or future value is refused, never trusted to skip data.
 */
export type StreamState = Record<string, unknown>;

/** Clock skew tolerated before a saved time counts as "in the future". */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

export type SavedTime =
  { kind: 'time'; at: number } | { kind: 'not-a-time' } | { kind: 'future'; at: number };

/** A time a state saved (ISO text) in epoch ms; undefined when absent. */
export function savedTime(value: unknown, now: number): SavedTime | undefined {
  if (value === undefined) return undefined;
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) return { kind: 'not-a-time' };
  if (at > now + CLOCK_SKEW_MS) return { kind: 'future', at };
  return { kind: 'time', at };
}

/** `{version: 1, cursor}`: everything before the cursor was emitted. */
export function cursorState(ms: number): StreamState {
  return { version: 1, cursor: new Date(ms).toISOString() };
}

/**
 * The cursor of a `{version: 1, cursor}` state, or undefined with the reason when the state is not
 * ours, not a time, or in the future.
 */
export function savedCursor(
  state: StreamState | undefined,
  now: number,
): { cursor?: number; problem?: string } {
  if (state === undefined) return {};
  const time = savedTime(state.cursor, now);
  if (state.version !== 1 || time === undefined || time.kind === 'not-a-time')
    return { problem: 'it was not written by this connector' };
  if (time.kind === 'future')
    return { problem: `its cursor ${new Date(time.at).toISOString()} lies in the future` };
  return { cursor: time.at };
}

/** The entries of an object of objects the state keeps under `key` (e.g. per workspace); else none. */
export function savedEntries(
  state: StreamState | undefined,
  key: string,
): [string, Record<string, unknown>][] {
  const raw = state?.[key];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  return Object.entries(raw as Record<string, unknown>).map(([id, value]) => [
    id,
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {},
  ]);
}

/**
 * Airbyte's rule for a cursor in the future (an "abnormal" state): nothing is newer, so an
 * incremental read of the stream emits no record and hands the state back unchanged. The cursor is
 * looked for where this connector keeps it (`cursor`) and under the stream's cursor field, where
 * Airbyte's acceptance tests put it. Returns the cursor in epoch ms, or undefined when not ahead.
 */
export function futureCursor(
  state: StreamState | undefined,
  cursorField: string | undefined,
  now: number,
): number | undefined {
  if (state === undefined) return undefined;
  for (const key of ['cursor', cursorField]) {
    const time = key === undefined ? undefined : savedTime(state[key], now);
    if (time?.kind === 'future') return time.at;
  }
  return undefined;
}

/** Marks the checkpoints of a full_refresh read that has not finished; its last checkpoint has none. */
const UNFINISHED_FULL_REFRESH = 'unfinishedFullRefresh';

export function markUnfinishedFullRefresh(state: StreamState): StreamState {
  return { ...state, [UNFINISHED_FULL_REFRESH]: true };
}

/**
 * The state of an interrupted full_refresh read, without its mark, or undefined when the state is
 * anything else (none, or a finished read's: a new full_refresh read then starts over).
 */
export function unfinishedFullRefresh(state: StreamState | undefined): StreamState | undefined {
  if (state?.[UNFINISHED_FULL_REFRESH] !== true) return undefined;
  const { [UNFINISHED_FULL_REFRESH]: _mark, ...rest } = state;
  return rest;
}
