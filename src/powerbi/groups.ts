import type { ApiCaller } from './api-caller.js';
import type { JsonObject } from './json-shapes.js';
import { iterateOffsetPages } from './offset-paging.js';

export interface GroupsQuery {
  /** OData filter, e.g. `state eq 'Active'`. */
  filter?: string;
  pageSize?: number;
  /** Stop after this many groups: the endpoint's 50/h budget is shared by the whole tenant. */
  maxItems?: number;
}

/**
 * GET admin/groups. For `check` only (e.g. `maxItems: 1` proves admin API access): never use it to
 * enumerate workspaces, admin/workspaces/modified lists them in one call.
 */
export function iterateGroups(caller: ApiCaller, query: GroupsQuery = {}): AsyncGenerator<JsonObject> {
  return iterateOffsetPages(
    caller,
    { endpoint: 'groups', path: 'admin/groups', query: { $filter: query.filter } },
    Math.min(query.pageSize ?? 5000, 5000),
    query.maxItems,
  );
}
