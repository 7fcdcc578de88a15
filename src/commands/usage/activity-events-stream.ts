/**
 * activity_events: admin/activityevents one UTC day per window (continuation tokens followed by
 * the client, 200 requests/hour kept by its scheduler). STATE after each window: its cursor says
 * every event before it was emitted. A read stopped inside a window resumes from the window's
 * start: the day is asked for again and only events at or after the cursor are emitted, each Id once.
 */
import type { JsonObject } from '../../protocol/messages.js';
import { activityEventsStream, eventTime, toActivityRecord } from '../../streams/usage/activity-event.js';
import { planActivityWindows, type ActivityWindow } from './activity-window.js';
import { usageOptions } from './usage-options.js';
import type { UsageStream, UsageSyncInput } from './usage-stream.js';

interface ActivityState {
  version: 1;
  cursor: string;
}

/** Clock skew tolerated before a saved cursor counts as "in the future". */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/**
 * The saved cursor, or undefined (backfill) with the reason when the state is not ours, not a time,
 * or in the future: a foreign or future cursor must never make the stream skip events.
 */
function cursorOf(state: JsonObject | undefined, now: number): { cursor?: number; problem?: string } {
  if (state === undefined) return {};
  const cursor = state.cursor;
  const ms = typeof cursor === 'string' ? Date.parse(cursor) : NaN;
  if (state.version !== 1 || Number.isNaN(ms)) return { problem: 'it was not written by this connector' };
  if (ms > now + FUTURE_SKEW_MS)
    return { problem: `its cursor ${new Date(ms).toISOString()} lies in the future` };
  return { cursor: ms };
}

function stateAt(ms: number): ActivityState {
  return { version: 1, cursor: new Date(ms).toISOString() };
}

/** Emits the window's events once each; returns how many entities had no usable Id or time. */
async function readWindow(input: UsageSyncInput, window: ActivityWindow): Promise<number> {
  const mode = input.config.privacy.user_identifiers;
  const seen = new Set<string>();
  let unusable = 0;
  for await (const entity of input.client.iterateActivityEvents({ day: window.day })) {
    const at = eventTime(entity);
    if (at !== undefined && (at < window.from || at >= window.to)) continue;
    const record = toActivityRecord(entity, mode);
    if (!record) unusable += 1;
    else if (!seen.has(record.id)) {
      seen.add(record.id);
      await input.emitter.record(record as unknown as JsonObject);
    }
  }
  return unusable;
}

async function sync(input: UsageSyncInput): Promise<void> {
  const options = usageOptions(input.config);
  const saved = input.syncMode === 'incremental' ? cursorOf(input.state, input.now.getTime()) : {};
  if (saved.problem)
    await input.log(
      'WARN',
      `activity_events: state ignored (${saved.problem}); reading the backfill window again.`,
    );
  const previous = saved.cursor;
  const plan = planActivityWindows({
    cursor: previous,
    now: input.now.getTime(),
    backfillDays: options.activityBackfillDays,
    settleMinutes: options.activitySettleMinutes,
  });
  if (plan.lostFrom !== undefined)
    await input.log(
      'WARN',
      `activity_events: the previous read stopped at ${new Date(plan.lostFrom).toISOString()}, but Power BI keeps only 30 days; events before ${new Date(plan.start).toISOString()} cannot be read any more. Sync at least every few weeks to avoid gaps.`,
    );
  const first = plan.windows[0];
  await input.log(
    'INFO',
    first
      ? `activity_events: ${plan.windows.length} UTC day(s) from ${new Date(first.from).toISOString()} to ${new Date(plan.horizon).toISOString()} (events newer than that wait ${options.activitySettleMinutes} min for Power BI to report them all).`
      : `activity_events: nothing to read before ${new Date(plan.horizon).toISOString()} yet.`,
  );
  let unusable = 0;
  for (const window of plan.windows) {
    unusable += await readWindow(input, window);
    await input.emitter.state(stateAt(window.to) as unknown as JsonObject);
  }
  if (plan.windows.length === 0)
    await input.emitter.state(stateAt(Math.max(previous ?? 0, plan.start)) as unknown as JsonObject);
  if (unusable > 0)
    await input.log('WARN', `activity_events: ${unusable} event(s) without Id or CreationTime were skipped.`);
}

export const activityEventsUsage: UsageStream = {
  definition: activityEventsStream,
  cursorField: ['creationTime'],
  enabled: (config) => config.activityEvents.enabled,
  sync: (input) => sync(input),
};
