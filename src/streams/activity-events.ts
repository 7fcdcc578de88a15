/**
 * activity_events: admin/activityevents one UTC day per window (continuation tokens followed by
 * the client, 200 requests/hour kept by its scheduler). A checkpoint after each window: its cursor
 * says every event before it was emitted. A read stopped inside a window resumes from the window's
 * start: the day is asked for again and only events at or after the cursor are emitted, each Id once.
 */
import type { ActivityEventsRecord } from '../generated/records.js';
import { eventTime, toActivityRecord } from './activity-event-record.js';
import { planActivityWindows, type ActivityWindow } from './activity-window.js';
import { defineApiStream, info, warn, type ApiItem, type ApiReadInput } from './api-stream.js';
import { cursorState, savedCursor } from './stream-state.js';

type Item = ApiItem<ActivityEventsRecord>;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Yields the window's events once each; returns how many entities had no usable Id or time. */
async function* readWindow(input: ApiReadInput, window: ActivityWindow): AsyncGenerator<Item, number> {
  const mode = input.options.privacy.userIdentifiers;
  const seen = new Set<string>();
  let unusable = 0;
  for await (const entity of input.client.iterateActivityEvents({ day: window.day })) {
    const at = eventTime(entity);
    if (at !== undefined && (at < window.from || at >= window.to)) continue;
    const record = toActivityRecord(entity, mode);
    if (!record) unusable += 1;
    else if (!seen.has(record.id)) {
      seen.add(record.id);
      yield { record };
    }
  }
  return unusable;
}

async function* read(input: ApiReadInput): AsyncGenerator<Item> {
  const { backfillDays, settleMinutes } = input.options.usage.activityEvents;
  // A foreign or future cursor must never make the stream skip events: backfill instead.
  const saved = input.syncMode === 'incremental' ? savedCursor(input.state, input.now.getTime()) : {};
  if (saved.problem)
    yield warn(`activity_events: state ignored (${saved.problem}); reading the backfill window again.`);
  const previous = saved.cursor;
  const plan = planActivityWindows({
    cursor: previous,
    now: input.now.getTime(),
    backfillDays,
    settleMinutes,
  });
  if (plan.lostFrom !== undefined)
    yield warn(
      `activity_events: the previous read stopped at ${iso(plan.lostFrom)}, but Power BI keeps only 30 days; events before ${iso(plan.start)} cannot be read any more. Sync at least every few weeks to avoid gaps.`,
    );
  const first = plan.windows[0];
  yield info(
    first
      ? `activity_events: ${plan.windows.length} UTC day(s) from ${iso(first.from)} to ${iso(plan.horizon)} (events newer than that wait ${settleMinutes} min for Power BI to report them all).`
      : `activity_events: nothing to read before ${iso(plan.horizon)} yet.`,
  );
  let unusable = 0;
  for (const window of plan.windows) {
    unusable += yield* readWindow(input, window);
    yield { checkpoint: cursorState(window.to) };
  }
  if (plan.windows.length === 0) yield { checkpoint: cursorState(Math.max(previous ?? 0, plan.start)) };
  if (unusable > 0)
    yield warn(`activity_events: ${unusable} event(s) without Id or CreationTime were skipped.`);
}

export const activityEventsStream = defineApiStream<ActivityEventsRecord>({
  name: 'activity_events',
  primaryKey: ['id'],
  cursorField: 'creationTime',
  enabled: (options) => options.usage.activityEvents.enabled,
  // Its checkpoints are day boundaries: read from one, the days still owed follow.
  fullRefreshResumes: true,
  read,
});
