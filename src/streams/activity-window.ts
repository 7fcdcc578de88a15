/**
 * Which UTC-day windows an activity_events read asks for. The API takes one UTC day per window
 * and keeps about 30 days; events show up to 60 minutes late, so a read only covers events older
 * than its horizon (now minus the settle time) and the next read starts exactly there: nothing is
 * read twice and nothing late is lost. https://learn.microsoft.com/power-bi/enterprise/service-admin-auditing
 */
export const DAY_MS = 86_400_000;
/** Days back the API serves, today included; older windows get 400 (day 30 sometimes does too). */
export const RETENTION_DAYS = 30;

export interface ActivityWindow {
  day: string;
  /** [from, to) in epoch ms, inside `day`. */
  from: number;
  to: number;
}

export interface ActivityPlan {
  windows: ActivityWindow[];
  horizon: number;
  /** Set when the cursor is older than what Power BI keeps: events in [lostFrom, start) are gone. */
  lostFrom?: number;
  start: number;
}

export interface ActivityPlanInput {
  /** Every event before it was emitted already (the state); undefined on a first or full read. */
  cursor: number | undefined;
  now: number;
  backfillDays: number;
  settleMinutes: number;
}

function midnight(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function planActivityWindows(input: ActivityPlanInput): ActivityPlan {
  const today = midnight(input.now);
  const oldest = today - (RETENTION_DAYS - 1) * DAY_MS;
  const horizon = input.now - input.settleMinutes * 60_000;
  const wanted = input.cursor ?? today - (Math.min(input.backfillDays, RETENTION_DAYS) - 1) * DAY_MS;
  const start = Math.max(wanted, oldest);
  const windows: ActivityWindow[] = [];
  for (let day = midnight(start); day < horizon; day += DAY_MS) {
    const from = Math.max(start, day);
    const to = Math.min(day + DAY_MS, horizon);
    if (from < to) windows.push({ day: dayOf(day), from, to });
  }
  return { windows, horizon, start, ...(wanted < oldest && { lostFrom: wanted }) };
}
