import { systemError } from '../errors.js';
import type { ApiCaller, ApiRequest } from './api-caller.js';
import { arrayField, isObject, stringField, type JsonObject } from './json-shapes.js';
import { ContinuationGuard } from './paging.js';

/**
 * $top/$skip paging over an OData `{ value: [...] }` list: stops at the first short page. A page
 * starting with the same item as an earlier page means the server ignores $skip: fail loudly.
 */
export async function* iterateOffsetPages(
  caller: ApiCaller,
  request: Omit<ApiRequest, 'query' | 'method'> & { query?: ApiRequest['query'] },
  pageSize: number,
  maxItems = Number.POSITIVE_INFINITY,
): AsyncGenerator<JsonObject> {
  const guard = new ContinuationGuard(request.path);
  let count = 0;
  for (let skip = 0; ; skip += pageSize) {
    const top = Math.min(pageSize, maxItems - count);
    if (top <= 0) return;
    const response = await caller.json({
      ...request,
      method: 'GET',
      query: { ...request.query, $top: top, $skip: skip },
    });
    if (!isObject(response.data))
      throw systemError(`Power BI answered ${request.path} without a JSON object.`);
    const items = (arrayField(response.data, 'value') ?? []).filter(isObject);
    const first = items[0];
    if (first) guard.check(stringField(first, 'id') ?? JSON.stringify(first));
    for (const item of items) yield item;
    count += items.length;
    if (items.length < top) return;
  }
}
