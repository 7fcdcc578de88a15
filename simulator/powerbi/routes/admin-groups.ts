import type { PowerBiContext, PowerBiRequest } from '../context.js';
import { invalidRequest } from '../errors.js';
import { streamODataList } from '../list-stream.js';
import { compileFilter, type FilterSubject } from '../odata-filter.js';
import { intParam } from '../paging.js';
import { adminDashboard, adminDataflow, adminDataset, adminReport, groupBase, groupUser } from '../shapes.js';

const EXPANDABLE = ['users', 'reports', 'dashboards', 'datasets', 'dataflows', 'workbooks'] as const;
type Expand = (typeof EXPANDABLE)[number];

function subject(ctx: PowerBiContext, index: number, base: Record<string, unknown>): FilterSubject {
  return {
    field: (name) => {
      const v = Object.entries(base).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
      return typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number' ? v : null;
    },
    collection: (name) => {
      if (name.toLowerCase() !== 'users') return [];
      return (ctx.tenant.build(index).workspace.users ?? []).map((u) => ({
        field: (f: string) => {
          const v = Object.entries(u).find(([k]) => k.toLowerCase() === f.toLowerCase())?.[1];
          return typeof v === 'string' ? v : null;
        },
        collection: () => [],
      }));
    },
  };
}

/**
 * GET admin/groups: $top (1..5000) is mandatory; $skip, $filter, $expand.
 * https://learn.microsoft.com/rest/api/power-bi/admin/groups-get-groups-as-admin
 */
export async function adminGroups(ctx: PowerBiContext, r: PowerBiRequest): Promise<void> {
  const top = intParam(r.url, '$top');
  const skip = intParam(r.url, '$skip') ?? 0;
  if (top === undefined) return invalidRequest(r.res, "The query parameter '$top' is required.");
  if (Number.isNaN(top) || top < 1 || top > 5000)
    return invalidRequest(r.res, "The query parameter '$top' must be in the range 1-5000.");
  if (Number.isNaN(skip))
    return invalidRequest(r.res, "The query parameter '$skip' must be a non-negative integer.");
  const expandText = r.url.searchParams.get('$expand') ?? '';
  const expand = expandText
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const unknown = expand.find((e) => !(EXPANDABLE as readonly string[]).includes(e));
  if (unknown !== undefined) return invalidRequest(r.res, `Unsupported $expand value '${unknown}'.`);
  let filter: ((s: FilterSubject) => boolean) | undefined;
  try {
    const text = r.url.searchParams.get('$filter');
    if (text) filter = compileFilter(text);
  } catch (error) {
    return invalidRequest(r.res, `Invalid $filter: ${(error as Error).message}`);
  }
  const items = function* (): Generator<Record<string, unknown>> {
    let skipped = 0;
    let taken = 0;
    for (let index = 0; index < ctx.tenant.size && taken < top; index++) {
      const base = groupBase(ctx.tenant.skeleton(index), ctx.tenant.summary(index));
      if (filter && !filter(subject(ctx, index, base))) continue;
      if (skipped++ < skip) continue;
      taken++;
      if (expand.length === 0) {
        yield base;
        continue;
      }
      const ws = ctx.tenant.build(index).workspace;
      const expanded: Record<Expand, () => unknown[]> = {
        users: () => (ws.users ?? []).map(groupUser),
        reports: () => ws.reports.map(adminReport),
        dashboards: () => ws.dashboards.map(adminDashboard),
        datasets: () => ws.datasets.map(adminDataset),
        dataflows: () => ws.dataflows.map(adminDataflow),
        workbooks: () => [],
      };
      for (const e of expand as Expand[]) base[e] = expanded[e]();
      yield base;
    }
  };
  await streamODataList(r.res, `${r.origin}/v1.0/myorg/admin/$metadata#groups`, items());
}
