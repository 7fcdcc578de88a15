import { systemError } from '../errors.js';
import type { ApiCaller } from './api-caller.js';
import { isObject, stringField } from './json-shapes.js';

export interface ListModifiedOptions {
  /** Only workspaces changed since then; omit for every workspace of the tenant. */
  modifiedSince?: Date;
  excludePersonalWorkspaces: boolean;
  excludeInActiveWorkspaces: boolean;
}

const MINUTE = 60_000;
/** https://learn.microsoft.com/rest/api/power-bi/admin/workspace-info-get-modified-workspaces */
export const MODIFIED_SINCE_MIN_AGE_MS = 30 * MINUTE;
export const MODIFIED_SINCE_MAX_AGE_MS = 30 * 24 * 60 * MINUTE;

/** The range modifiedSince must lie in at `nowMs`: at least 30 minutes and at most 30 days old. */
export function modifiedSinceWindow(nowMs: number): { earliest: Date; latest: Date } {
  return {
    earliest: new Date(nowMs - MODIFIED_SINCE_MAX_AGE_MS),
    latest: new Date(nowMs - MODIFIED_SINCE_MIN_AGE_MS),
  };
}

export function isModifiedSinceAllowed(modifiedSince: Date, nowMs: number): boolean {
  const { earliest, latest } = modifiedSinceWindow(nowMs);
  const at = modifiedSince.getTime();
  return !Number.isNaN(at) && at >= earliest.getTime() && at <= latest.getTime();
}

/** GET admin/workspaces/modified: ids of (changed) workspaces, in the order returned, without duplicates. */
export async function listModifiedWorkspaceIds(
  caller: ApiCaller,
  options: ListModifiedOptions,
  nowMs: number,
): Promise<string[]> {
  const { modifiedSince } = options;
  if (modifiedSince !== undefined && !isModifiedSinceAllowed(modifiedSince, nowMs)) {
    const { earliest, latest } = modifiedSinceWindow(nowMs);
    throw systemError(
      `modifiedSince ${describeDate(modifiedSince)} is outside the range Power BI accepts ` +
        `(${earliest.toISOString()} .. ${latest.toISOString()}: between 30 minutes and 30 days ago).`,
    );
  }
  const response = await caller.json({
    endpoint: 'modified',
    method: 'GET',
    path: 'admin/workspaces/modified',
    query: {
      modifiedSince: modifiedSince?.toISOString(),
      excludePersonalWorkspaces: options.excludePersonalWorkspaces,
      excludeInActiveWorkspaces: options.excludeInActiveWorkspaces,
    },
  });
  return readIds(response.data);
}

function readIds(data: unknown): string[] {
  if (!Array.isArray(data)) {
    throw systemError(
      'Power BI answered admin/workspaces/modified with something other than a list of workspaces.',
      {
        internalMessage: `got ${data === null ? 'null' : typeof data}`,
      },
    );
  }
  const ids = new Map<string, string>();
  for (const item of data) {
    const id = isObject(item) ? stringField(item, 'id') : undefined;
    if (id && !ids.has(id.toLowerCase())) ids.set(id.toLowerCase(), id);
  }
  return [...ids.values()];
}

function describeDate(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString();
}
