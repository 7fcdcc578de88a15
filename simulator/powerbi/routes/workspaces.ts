import { listApps } from '../../tenant/apps.js';
import { dataflowTransactions, isRefreshableDataset, refreshHistory } from '../../tenant/refreshes.js';
import type { BuiltWorkspace } from '../../tenant/workspace.js';
import type { PowerBiContext, PowerBiRequest } from '../context.js';
import { entityNotFound, invalidRequest, notAuthorized } from '../errors.js';
import { sendJson } from '../http.js';
import { streamODataList } from '../list-stream.js';
import { compileFilter, type FilterSubject } from '../odata-filter.js';
import { intParam } from '../paging.js';
import { dashboard, dataflow, dataset, groupBase, groupUser, report, tile } from '../shapes.js';
import { rngFrom } from '../../random.js';

/**
 * Non-admin ("workspace member") APIs. The connector's service principal is a member of every
 * active shared workspace (the generator adds it as Contributor), so those are what it sees.
 * https://learn.microsoft.com/rest/api/power-bi/groups/get-groups
 */
function visible(ctx: PowerBiContext, index: number): boolean {
  const s = ctx.tenant.summary(index);
  return s.state === 'Active' && !s.isPersonal;
}

function groupItem(ctx: PowerBiContext, index: number): Record<string, unknown> {
  const base = groupBase(ctx.tenant.skeleton(index), ctx.tenant.summary(index));
  delete base.state;
  delete base.description;
  return base;
}

export async function groups(ctx: PowerBiContext, r: PowerBiRequest): Promise<void> {
  const top = intParam(r.url, '$top');
  const skip = intParam(r.url, '$skip') ?? 0;
  if (Number.isNaN(top) || Number.isNaN(skip))
    return invalidRequest(r.res, '$top and $skip must be non-negative integers.');
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
    for (let i = 0; i < ctx.tenant.size && (top === undefined || taken < top); i++) {
      if (!visible(ctx, i)) continue;
      const item = groupItem(ctx, i);
      if (filter && !filter({ field: (f) => item[f] as string, collection: () => [] })) continue;
      if (skipped++ < skip) continue;
      taken++;
      yield item;
    }
  };
  await streamODataList(r.res, `${r.origin}/v1.0/myorg/$metadata#groups`, items());
}

/** Resolves groups/{id}: 404 when unknown or gone, 401 when the caller is not a member. */
function workspaceOf(ctx: PowerBiContext, r: PowerBiRequest): BuiltWorkspace | undefined {
  const index = ctx.tenant.indexOf(r.params[0] ?? '');
  if (index === undefined || ctx.tenant.summary(index).state !== 'Active') {
    entityNotFound(r.res);
    return undefined;
  }
  if (!visible(ctx, index)) {
    notAuthorized(r.res);
    return undefined;
  }
  return ctx.tenant.build(index);
}

function list(r: PowerBiRequest, path: string, value: unknown[]): void {
  sendJson(r.res, 200, {
    '@odata.context': `${r.origin}/v1.0/myorg/groups/${r.params[0] ?? ''}/$metadata#${path}`,
    value,
  });
}

export function groupUsers(ctx: PowerBiContext, r: PowerBiRequest): void {
  const built = workspaceOf(ctx, r);
  if (built) list(r, 'users', (built.workspace.users ?? []).map(groupUser));
}

export function reports(ctx: PowerBiContext, r: PowerBiRequest): void {
  const built = workspaceOf(ctx, r);
  if (built)
    list(
      r,
      'reports',
      built.workspace.reports.map((x) => report(built.workspace.id, x)),
    );
}

export function pages(ctx: PowerBiContext, r: PowerBiRequest): void {
  const built = workspaceOf(ctx, r);
  if (!built) return;
  const found = built.workspace.reports.find((x) => x.id === r.params[1]?.toLowerCase());
  if (!found) return entityNotFound(r.res);
  // The pages of the report's definition (simulator/tenant/report-definitions.ts), when it has one.
  const truth = ctx.fabric.truth(built.workspace.id, found.id);
  if (truth) {
    const pages = truth.pages.map((p) => ({
      name: p.name,
      displayName: p.displayName,
      order: String(p.order),
    }));
    return sendJson(r.res, 200, { value: pages });
  }
  const rng = rngFrom('pages', found.id);
  const names = ['Overview', 'By Region', 'Detail', 'Trends', 'Übersicht'];
  const value = Array.from({ length: rng.int(1, 4) }, (_, i) => ({
    name: i === 0 ? 'ReportSection' : `ReportSection${rng.uuid().slice(0, 6)}`,
    displayName: names[i] ?? `Page ${i + 1}`,
    order: String(i),
  }));
  sendJson(r.res, 200, { value });
}

export function dashboards(ctx: PowerBiContext, r: PowerBiRequest): void {
  const built = workspaceOf(ctx, r);
  if (built)
    list(
      r,
      'dashboards',
      built.workspace.dashboards.map((d) => dashboard(built.workspace.id, d)),
    );
}

export function tiles(ctx: PowerBiContext, r: PowerBiRequest): void {
  const built = workspaceOf(ctx, r);
  if (!built) return;
  const found = built.workspace.dashboards.find((d) => d.id === r.params[1]?.toLowerCase());
  if (!found) return entityNotFound(r.res);
  sendJson(r.res, 200, { value: found.tiles.map((t, n) => tile(built.workspace.id, found.id, t, n)) });
}

export function datasets(ctx: PowerBiContext, r: PowerBiRequest): void {
  const built = workspaceOf(ctx, r);
  if (built)
    list(
      r,
      'datasets',
      built.workspace.datasets.map((d) => dataset(built.workspace.id, d)),
    );
}

function datasetOf(
  ctx: PowerBiContext,
  r: PowerBiRequest,
): { built: BuiltWorkspace; id: string } | undefined {
  const built = workspaceOf(ctx, r);
  if (!built) return undefined;
  const found = built.workspace.datasets.find((d) => d.id === r.params[1]?.toLowerCase());
  if (!found) {
    entityNotFound(r.res);
    return undefined;
  }
  return { built, id: found.id };
}

export function datasources(ctx: PowerBiContext, r: PowerBiRequest): void {
  const hit = datasetOf(ctx, r);
  if (!hit) return;
  const ds = hit.built.workspace.datasets.find((d) => d.id === hit.id);
  const used = new Set((ds?.datasourceUsages ?? []).map((u) => u.datasourceInstanceId));
  sendJson(r.res, 200, { value: hit.built.datasources.filter((d) => used.has(d.datasourceId)) });
}

export function refreshes(ctx: PowerBiContext, r: PowerBiRequest): void {
  const hit = datasetOf(ctx, r);
  if (!hit) return;
  const top = intParam(r.url, '$top');
  if (Number.isNaN(top)) return invalidRequest(r.res, '$top must be a positive integer.');
  const ds = hit.built.workspace.datasets.find((d) => d.id === hit.id);
  const history = isRefreshableDataset(ds?.contentProviderType)
    ? refreshHistory(ctx.tenant.ctx.seed, hit.id, ctx.clock.now(), top ?? 60)
    : [];
  sendJson(r.res, 200, { value: history });
}

/** GET groups/{id}/dataflows/{id}/transactions (Dataflows_GetDataflowTransactions; $top accepted). */
export function transactions(ctx: PowerBiContext, r: PowerBiRequest): void {
  const built = workspaceOf(ctx, r);
  if (!built) return;
  const flow = built.workspace.dataflows.find((d) => d.objectId === r.params[1]?.toLowerCase());
  if (!flow) return entityNotFound(r.res);
  const top = intParam(r.url, '$top');
  if (Number.isNaN(top)) return invalidRequest(r.res, '$top must be a positive integer.');
  list(
    r,
    'transactions',
    dataflowTransactions(ctx.tenant.ctx.seed, flow.objectId, ctx.clock.now(), top ?? 60),
  );
}

export function refreshSchedule(ctx: PowerBiContext, r: PowerBiRequest): void {
  const hit = datasetOf(ctx, r);
  if (!hit) return;
  const ds = hit.built.workspace.datasets.find((d) => d.id === hit.id);
  const schedule = ds?.refreshSchedule ?? {
    days: [],
    times: [],
    enabled: false,
    localTimeZoneId: 'UTC',
    notifyOption: 'NoNotification',
  };
  sendJson(r.res, 200, {
    '@odata.context': `${r.origin}/v1.0/myorg/groups/${hit.built.workspace.id}/$metadata#datasets('${hit.id}')/refreshSchedule`,
    ...schedule,
  });
}

export function dataflows(ctx: PowerBiContext, r: PowerBiRequest): void {
  const built = workspaceOf(ctx, r);
  if (built)
    list(
      r,
      'dataflows',
      built.workspace.dataflows.map((d) => dataflow(built.workspace.name, d)),
    );
}

/** GET apps: "Service principal authentication isn't supported." */
export function apps(ctx: PowerBiContext, r: PowerBiRequest): void {
  if (r.claims.idtyp === 'app') return notAuthorized(r.res);
  sendJson(r.res, 200, { value: listApps(ctx.tenant.ctx).map(({ workspaceId: _w, ...app }) => app) });
}
