import type { JsonObject } from '../../protocol/messages.js';
import { savedTime } from '../../streams/stream-state.js';

/**
 * The state every scan-based stream keeps. The cursor is the START time of the last completed sync
 * (never a record value, never the end time): the next sync asks Power BI for workspaces modified
 * since that start minus the lookback. `pending` makes an interrupted sync resumable.
 */
export interface ScanState {
  version: 1;
  /** ISO start time of the last completed sync. */
  cursor?: string;
  /** ISO start time of the last completed full scan (for periodic reconciliation). */
  lastFullScanAt?: string;
  /** Workspaces whose scan failed in the last sync; the next sync scans them whatever changed. */
  retryWorkspaceIds?: string[];
  /** An unfinished sync: everything up to doneThroughId (in sorted id order) was emitted. */
  pending?: PendingSync;
}

export interface PendingSync {
  syncStartedAt: string;
  mode: 'full' | 'incremental';
  modifiedSince?: string;
  doneThroughId?: string;
}

/** Workspace ids are GUIDs; the resume point and the retry list may hold nothing else. */
const WORKSPACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseTime(value: unknown, field: string, now: Date, problems: string[]): string | undefined {
  const time = savedTime(value, now.getTime());
  switch (time?.kind) {
    case undefined:
      return undefined;
    case 'not-a-time':
      problems.push(`${field} is not a date-time`);
      return undefined;
    case 'future':
      problems.push(`${field} ${new Date(time.at).toISOString()} lies in the future`);
      return undefined;
    case 'time':
      return new Date(time.at).toISOString();
  }
}

function parsePending(raw: unknown, now: Date, problems: string[]): PendingSync | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw) || (raw.mode !== 'full' && raw.mode !== 'incremental')) {
    problems.push('pending is not a resumable sync');
    return undefined;
  }
  const syncStartedAt = parseTime(raw.syncStartedAt, 'pending.syncStartedAt', now, problems);
  const modifiedSince = parseTime(raw.modifiedSince, 'pending.modifiedSince', now, problems);
  if (syncStartedAt === undefined) return undefined;
  if (raw.mode === 'incremental' && modifiedSince === undefined) return undefined;
  const doneThroughId = parseResumePoint(raw.doneThroughId, problems);
  if (problems.length > 0) return undefined;
  return {
    syncStartedAt,
    mode: raw.mode,
    ...(modifiedSince && { modifiedSince }),
    ...(doneThroughId && { doneThroughId }),
  };
}

/**
 * The resume point is compared with workspace ids in sorted order: anything but an id (a foreign or
 * edited state) could place it after every workspace and silently skip them all.
 */
function parseResumePoint(value: unknown, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && WORKSPACE_ID.test(value)) return value.toLowerCase();
  problems.push('pending.doneThroughId is not a workspace id');
  return undefined;
}

/** Anything but workspace ids would be sent to getInfo, fail every batch, and be carried over forever. */
function parseRetryIds(value: unknown, problems: string[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((id) => typeof id === 'string' && WORKSPACE_ID.test(id))) {
    problems.push('retryWorkspaceIds is not a list of workspace ids');
    return [];
  }
  return value as string[];
}

/**
 * Reads one stream's state. Anything foreign, malformed or in the future is dropped with a warning
 * (the stream then gets a full scan): never a crash, never skipped data.
 */
export function readScanState(
  raw: JsonObject | undefined,
  now: Date,
): { state?: ScanState; warning?: string } {
  if (raw === undefined) return {};
  const problems: string[] = [];
  if (raw.version !== 1) problems.push('it was not written by this connector (no version 1 marker)');
  const cursor = parseTime(raw.cursor, 'cursor', now, problems);
  const lastFullScanAt = parseTime(raw.lastFullScanAt, 'lastFullScanAt', now, problems);
  const pending = parsePending(raw.pending, now, problems);
  const retry = parseRetryIds(raw.retryWorkspaceIds, problems);
  if (problems.length > 0) return { warning: problems.join('; ') };
  const state: ScanState = { version: 1 };
  if (cursor) state.cursor = cursor;
  if (lastFullScanAt) state.lastFullScanAt = lastFullScanAt;
  if (retry.length > 0) state.retryWorkspaceIds = retry;
  if (pending) state.pending = pending;
  return { state };
}
