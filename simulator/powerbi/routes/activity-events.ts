import { DAY, HOUR } from '../../clock.js';
import { ACTIVITY_RETENTION_DAYS, type ActivityEvent } from '../../tenant/activity.js';
import type { PowerBiContext, PowerBiRequest } from '../context.js';
import { emptyBadRequest } from '../errors.js';
import { sendJson } from '../http.js';

/** Position in a window: which hour slice and how far into it. */
interface Cursor {
  s: number;
  e: number;
  h: number;
  o: number;
  f: string;
}

const PAGE_MAX = 5000;

function unquote(value: string | null): string | undefined {
  if (value === null) return undefined;
  const m = /^'(.*)'$/.exec(value);
  return m ? m[1] : undefined;
}

function encodeToken(c: Cursor): string {
  return encodeURIComponent(Buffer.from(JSON.stringify(c)).toString('base64'));
}

function decodeToken(token: string): Cursor | undefined {
  try {
    const raw = token.includes('%') ? decodeURIComponent(token) : token;
    const c = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Partial<Cursor>;
    if ([c.s, c.e, c.h, c.o].every((n) => typeof n === 'number') && typeof c.f === 'string')
      return c as Cursor;
  } catch {
    return undefined;
  }
  return undefined;
}

/** `$filter` supports only eq and and, on Activity and UserId (Admin_GetActivityEvents). */
function filterOf(text: string): ((e: ActivityEvent) => boolean) | undefined {
  if (text.trim() === '') return () => true;
  const clauses = text.split(/\s+and\s+/i).map((c) => /^\s*(Activity|UserId)\s+eq\s+'([^']*)'\s*$/i.exec(c));
  if (clauses.some((m) => m === null)) return undefined;
  const tests = clauses.map((m) => ({
    key: (m?.[1] ?? '').toLowerCase() === 'activity' ? 'Activity' : 'UserId',
    value: (m?.[2] ?? '').toLowerCase(),
  }));
  return (e) => tests.every((t) => String(e[t.key]).toLowerCase() === t.value);
}

function startCursor(ctx: PowerBiContext, url: URL): Cursor | undefined {
  const start = unquote(url.searchParams.get('startDateTime'));
  const end = unquote(url.searchParams.get('endDateTime'));
  if (start === undefined || end === undefined) return undefined;
  const zoned = (t: string): number => Date.parse(/Z|[+-]\d\d:\d\d$/.test(t) ? t : `${t}Z`);
  const s = zoned(start);
  const e = zoned(end);
  if (Number.isNaN(s) || Number.isNaN(e) || e < s) return undefined;
  if (Math.floor(s / DAY) !== Math.floor(e / DAY)) return undefined;
  const oldestDay = Math.floor(ctx.clock.now() / DAY) - ACTIVITY_RETENTION_DAYS;
  if (Math.floor(s / DAY) < oldestDay) return undefined;
  return { s, e, h: Math.floor(s / HOUR), o: 0, f: url.searchParams.get('$filter') ?? '' };
}

/**
 * GET admin/activityevents: one UTC day per window, pages by hour with continuation tokens.
 * A bad window is a 400 with an empty body (O: microsoft/fabric-toolbox#156).
 * https://learn.microsoft.com/rest/api/power-bi/admin/get-activity-events
 */
export function activityEvents(ctx: PowerBiContext, r: PowerBiRequest): void {
  const tokenParam = r.url.searchParams.get('continuationToken');
  const cursor =
    tokenParam !== null ? decodeToken(unquote(tokenParam) ?? tokenParam) : startCursor(ctx, r.url);
  if (!cursor) return emptyBadRequest(r.res);
  const matches = filterOf(cursor.f);
  if (!matches) return emptyBadRequest(r.res);
  const sliceStart = Math.max(cursor.s, cursor.h * HOUR);
  const sliceEnd = Math.min(cursor.e, (cursor.h + 1) * HOUR - 1);
  const visibleUntil = Math.min(sliceEnd, ctx.clock.now());
  const inSlice = ctx.activity
    .between(Math.floor(cursor.s / DAY) * DAY, Math.floor(sliceStart / 1000) * 1000, visibleUntil)
    .filter(matches);
  const page = inSlice.slice(cursor.o, cursor.o + PAGE_MAX);
  const moreInSlice = cursor.o + PAGE_MAX < inSlice.length;
  const last = !moreInSlice && (cursor.h + 1) * HOUR > cursor.e;
  const next: Cursor = moreInSlice
    ? { ...cursor, o: cursor.o + PAGE_MAX }
    : { ...cursor, h: cursor.h + 1, o: 0 };
  const token = last ? null : encodeToken(next);
  sendJson(r.res, 200, {
    activityEventEntities: page,
    continuationUri:
      token === null ? null : `${r.origin}/v1.0/myorg/admin/activityevents?continuationToken='${token}'`,
    continuationToken: token,
    lastResultSet: last,
  });
}
