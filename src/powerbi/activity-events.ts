import { systemError } from '../errors.js';
import type { ApiCaller } from './api-caller.js';
import { arrayField, field, isObject, stringField, type JsonObject } from './json-shapes.js';
import { ContinuationGuard } from './paging.js';

export interface ActivityEventsQuery {
  /** One UTC day, YYYY-MM-DD: the API takes windows within a single UTC day only. */
  day: string;
  /** OData filter on Activity/UserId, e.g. `Activity eq 'ViewReport'` (only eq and and). */
  filter?: string;
}

/**
 * GET admin/activityevents for one UTC day, following continuationToken until it is null (the
 * last page may still say lastResultSet=false; https://learn.microsoft.com/power-bi/enterprise/service-admin-auditing).
 * Yields each event entity (free-form PascalCase objects).
 */
export async function* iterateActivityEvents(
  caller: ApiCaller,
  query: ActivityEventsQuery,
): AsyncGenerator<JsonObject> {
  const day = checkDay(query.day);
  const guard = new ContinuationGuard(`activity events of ${day}`);
  let token: string | undefined;
  for (;;) {
    const response = await caller.json({
      endpoint: 'activityEvents',
      method: 'GET',
      path: 'admin/activityevents',
      // Datetimes and the token go in single quotes; the token arrives already percent-encoded.
      query:
        token === undefined
          ? {
              startDateTime: `'${day}T00:00:00.000Z'`,
              endDateTime: `'${day}T23:59:59.999Z'`,
              $filter: query.filter,
            }
          : { continuationToken: { raw: `'${token}'` } },
    });
    const page = readPage(response.data);
    for (const entity of page.entities) yield entity;
    if (!page.continuationToken || page.lastResultSet) return;
    guard.check(page.continuationToken);
    token = page.continuationToken;
  }
}

function checkDay(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const date = new Date(`${day}T00:00:00.000Z`);
  if (!match || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day) {
    throw systemError(`Activity events are read one UTC day at a time; "${day}" is not a YYYY-MM-DD date.`);
  }
  return day;
}

function readPage(data: unknown): {
  entities: JsonObject[];
  continuationToken?: string;
  lastResultSet: boolean;
} {
  if (!isObject(data)) throw systemError('Power BI answered admin/activityevents without a JSON object.');
  const entities = (arrayField(data, 'activityEventEntities') ?? []).filter(isObject);
  return {
    entities,
    continuationToken: stringField(data, 'continuationToken'),
    lastResultSet: field(data, 'lastResultSet') === true,
  };
}
