import type { ApiCaller } from './api-caller.js';
import type { JsonObject } from './json-shapes.js';
import { iterateOffsetPages } from './offset-paging.js';

/** GET admin/apps ($top is required; https://learn.microsoft.com/rest/api/power-bi/admin/apps-get-apps-as-admin). */
export function iterateApps(
  caller: ApiCaller,
  options: { pageSize?: number } = {},
): AsyncGenerator<JsonObject> {
  return iterateOffsetPages(caller, { endpoint: 'apps', path: 'admin/apps' }, options.pageSize ?? 5000);
}
