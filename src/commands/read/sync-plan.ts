import { MODIFIED_SINCE_MAX_AGE_MS, MODIFIED_SINCE_MIN_AGE_MS } from '../../powerbi/workspaces.js';
import type { ScanState } from './scan-state.js';

// Power BI only answers modifiedSince between 30 minutes and 30 days ago (powerbi/workspaces.ts).
const MIN_AGE_MS = MODIFIED_SINCE_MIN_AGE_MS;
const MAX_AGE_MS = MODIFIED_SINCE_MAX_AGE_MS;
/** Margin so a request built now is still inside the window when the service checks it. */
const WINDOW_MARGIN_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SyncPlan {
  mode: 'full' | 'incremental';
  /** The cursor this sync saves when it completes (for a resumed sync: the original start). */
  syncStartedAt: Date;
  modifiedSince?: Date;
  /** Resume: workspaces up to this id (sorted order) were already emitted. */
  resumeAfterId?: string;
  lastFullScanAt?: Date;
  retryWorkspaceIds: string[];
  /** Why this plan, for the log. */
  reasons: string[];
}

export interface PlanInput {
  /** One entry per selected stream: its sync mode and its parsed state (undefined: none). */
  streams: { name: string; syncMode: 'full_refresh' | 'incremental'; state: ScanState | undefined }[];
  now: Date;
  lookbackMinutes: number;
  fullRefreshEveryDays: number;
}

function minTime(values: (string | undefined)[]): Date | undefined {
  const times = values.filter((v): v is string => v !== undefined).map((v) => Date.parse(v));
  return times.length === values.length && times.length > 0 ? new Date(Math.min(...times)) : undefined;
}

function full(now: Date, reason: string, retry: string[] = []): SyncPlan {
  return { mode: 'full', syncStartedAt: now, retryWorkspaceIds: retry, reasons: [reason] };
}

function resumePlan(input: PlanInput, states: ScanState[]): SyncPlan | undefined {
  const pendings = states.map((s) => s.pending);
  const first = pendings[0];
  if (!first || pendings.some((p) => p?.syncStartedAt !== first.syncStartedAt || p.mode !== first.mode))
    return undefined;
  const doneThrough = pendings.map((p) => p?.doneThroughId);
  const resumeAfterId = doneThrough.includes(undefined)
    ? undefined
    : [...(doneThrough as string[])].sort()[0];
  const modifiedSince = first.modifiedSince ? new Date(first.modifiedSince) : undefined;
  if (modifiedSince && input.now.getTime() - modifiedSince.getTime() > MAX_AGE_MS - WINDOW_MARGIN_MS)
    return undefined;
  return {
    mode: first.mode,
    syncStartedAt: new Date(first.syncStartedAt),
    ...(modifiedSince && { modifiedSince }),
    ...(resumeAfterId && { resumeAfterId }),
    ...(minTime(states.map((s) => s.lastFullScanAt)) && {
      lastFullScanAt: minTime(states.map((s) => s.lastFullScanAt))!,
    }),
    retryWorkspaceIds: [...new Set(states.flatMap((s) => s.retryWorkspaceIds ?? []))],
    reasons: [
      `resuming the sync started at ${first.syncStartedAt}${resumeAfterId ? ` after workspace ${resumeAfterId}` : ''}`,
    ],
  };
}

/**
 * Decides between a full scan and an incremental one. The scan is shared by every stream, so the
 * most demanding stream decides: any stream without state or in full_refresh makes it a full scan
 * (unless every stream's state is the same unfinished full scan: that one resumes), and the oldest
 * cursor sets modifiedSince.
 */
export function planSync(input: PlanInput): SyncPlan {
  const { now } = input;
  const fullRefresh = input.streams.find((s) => s.syncMode === 'full_refresh');
  if (fullRefresh) {
    // Resumable full refresh: an interrupted full scan continues where it stopped; anything else
    // (no state, a finished sync's state, an unfinished incremental one) starts a new full scan.
    const states = input.streams.map((s) => s.state);
    const unfinishedFull = states.every((s) => s?.pending?.mode === 'full');
    const resumed = unfinishedFull ? resumePlan(input, states as ScanState[]) : undefined;
    return resumed ?? full(now, `stream ${fullRefresh.name} is in full_refresh mode`);
  }
  const missing = input.streams.find((s) => s.state === undefined);
  if (missing) return full(now, `stream ${missing.name} has no state yet`);
  const states = input.streams.map((s) => s.state!);
  const resumed = resumePlan(input, states);
  if (resumed) return resumed;
  const retry = [...new Set(states.flatMap((s) => s.retryWorkspaceIds ?? []))];
  const cursor = minTime(states.map((s) => s.cursor));
  if (!cursor) return full(now, 'no completed sync recorded yet', retry);
  const lastFull = minTime(states.map((s) => s.lastFullScanAt));
  const ageOfFullMs = lastFull ? now.getTime() - lastFull.getTime() : Infinity;
  if (input.fullRefreshEveryDays > 0 && ageOfFullMs >= input.fullRefreshEveryDays * DAY_MS) {
    return full(
      now,
      `the last full scan is older than ${input.fullRefreshEveryDays} days (full_refresh_every_days)`,
      retry,
    );
  }
  const lookbackMs = Math.max(input.lookbackMinutes * 60 * 1000, MIN_AGE_MS);
  const latestAllowed = now.getTime() - MIN_AGE_MS - WINDOW_MARGIN_MS;
  const modifiedSince = new Date(Math.min(cursor.getTime() - lookbackMs, latestAllowed));
  if (now.getTime() - modifiedSince.getTime() > MAX_AGE_MS - WINDOW_MARGIN_MS) {
    return full(
      now,
      `the cursor ${cursor.toISOString()} is older than the 30 days Power BI can report changes for`,
      retry,
    );
  }
  return {
    mode: 'incremental',
    syncStartedAt: now,
    modifiedSince,
    ...(lastFull && { lastFullScanAt: lastFull }),
    retryWorkspaceIds: retry,
    reasons: [
      `workspaces modified since ${modifiedSince.toISOString()} (cursor ${cursor.toISOString()} minus the lookback)`,
    ],
  };
}
