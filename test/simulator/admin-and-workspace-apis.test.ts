import { startSimulator, type Simulator } from '../../simulator/index.js';
import { API, appToken, call } from './helpers/client.js';

const DAY = 86_400_000;
let sim: Simulator;
let token: string;
beforeAll(async () => {
  sim = await startSimulator({ workspaces: 120, seed: 21, budgets: { adminGroups: 0, activityEvents: 0 } });
  token = await appToken(sim);
});
afterAll(() => sim.close());

const get = (path: string) => call(sim, 'GET', `${API}/${path}`, { token });
type List = { value: Record<string, unknown>[] };

describe('admin/groups', () => {
  test('$top is required and must be 1..5000', async () => {
    for (const q of ['', '?$top=0', '?$top=5001', '?$top=x'])
      expect((await get(`admin/groups${q}`)).status).toBe(400);
  });

  test('$top/$skip pages through every workspace, deleted and personal included', async () => {
    const seen: string[] = [];
    for (let skip = 0; ; skip += 50) {
      const page = (await get(`admin/groups?$top=50&$skip=${skip}`)).json as List;
      seen.push(...page.value.map((g) => String(g.id)));
      if (page.value.length < 50) break;
    }
    expect(seen).toEqual(sim.tenant.listWorkspaces().map((w) => w.id));
  });

  test('$filter on state and the documented orphan query', async () => {
    const deleted = (await get(`admin/groups?$top=5000&$filter=state eq 'Deleted'`)).json as List;
    expect(deleted.value.map((g) => g.id)).toEqual(
      sim.tenant
        .listWorkspaces()
        .filter((w) => w.state === 'Deleted')
        .map((w) => w.id),
    );
    const orphan = encodeURIComponent(
      "(not users/any()) or (not users/any(u: u/groupUserAccessRight eq Microsoft.PowerBI.ServiceContracts.Api.GroupUserAccessRight'Admin'))",
    );
    const orphans = (await get(`admin/groups?$top=5000&$filter=${orphan}`)).json as List;
    const truth = sim.tenant
      .listWorkspaces()
      .filter(
        (w) => !(sim.tenant.workspace(w.id)?.users ?? []).some((u) => u.groupUserAccessRight === 'Admin'),
      )
      .map((w) => w.id);
    expect(orphans.value.map((g) => g.id)).toEqual(truth);
    expect((await get(`admin/groups?$top=5&$filter=${encodeURIComponent('state eq')}`)).status).toBe(400);
  });

  test('$expand adds the artifacts of each workspace', async () => {
    const page = (await get('admin/groups?$top=20&$expand=users,reports,datasets,dashboards,dataflows'))
      .json as List;
    for (const g of page.value) {
      const truth = sim.tenant.workspace(String(g.id));
      expect((g.reports as unknown[]).length).toBe(truth?.reports.length);
      expect((g.datasets as { ContentProviderType: string }[]).map((d) => d.ContentProviderType)).toEqual(
        truth?.datasets.map((d) => d.contentProviderType),
      );
    }
    expect((await get('admin/groups?$top=1&$expand=everything')).status).toBe(400);
  });
});

describe('admin/apps', () => {
  test('$top is required; apps come from workspaces that publish one', async () => {
    expect((await get('admin/apps')).status).toBe(400);
    const apps = (await get('admin/apps?$top=100')).json as List;
    expect(apps.value.length).toBeGreaterThan(0);
    const ids = new Set(sim.tenant.listWorkspaces().map((w) => w.id));
    for (const app of apps.value) expect(ids.has(String(app.workspaceId))).toBe(true);
  });
});

describe('admin/activityevents', () => {
  const day = (offset: number): string =>
    new Date(Math.floor(sim.now() / DAY) * DAY - offset * DAY).toISOString().slice(0, 10);
  const window = (offset: number) =>
    `admin/activityevents?startDateTime='${day(offset)}T00:00:00'&endDateTime='${day(offset)}T23:59:59'`;

  test('a bad window is a 400 with an empty body', async () => {
    for (const path of [
      `admin/activityevents?startDateTime='${day(2)}T00:00:00'&endDateTime='${day(1)}T01:00:00'`,
      window(31),
      `admin/activityevents?startDateTime=${day(1)}T00:00:00&endDateTime=${day(1)}T23:59:59`,
      'admin/activityevents',
    ]) {
      const reply = await get(path);
      expect(reply.status).toBe(400);
      expect(reply.text).toBe('');
      expect(reply.headers['content-type']).toBe('application/octet-stream');
    }
  });

  test('continuation tokens walk the whole day hour by hour; the last page has a null token', async () => {
    let page = (await get(window(1))).json as {
      activityEventEntities: { Id: string; CreationTime: string }[];
      continuationToken: string | null;
      continuationUri: string | null;
      lastResultSet: boolean;
    };
    const events: string[] = [];
    let pages = 1;
    for (;;) {
      events.push(...page.activityEventEntities.map((e) => e.Id));
      if (page.continuationToken === null) break;
      expect(page.lastResultSet).toBe(false);
      expect(page.continuationUri).toContain(`continuationToken='${page.continuationToken}'`);
      page = (await get(`admin/activityevents?continuationToken='${page.continuationToken}'`))
        .json as typeof page;
      pages++;
    }
    expect(page.lastResultSet).toBe(true);
    expect(pages).toBeGreaterThanOrEqual(24);
    expect(new Set(events).size).toBe(events.length);
    expect(events.length).toBeGreaterThan(10);
  });

  test('$filter keeps only matching events', async () => {
    const reply = (await get(`${window(2)}&$filter=${encodeURIComponent("Activity eq 'ViewReport'")}`))
      .json as { activityEventEntities: { Activity: string }[] };
    for (const e of reply.activityEventEntities) expect(e.Activity).toBe('ViewReport');
    expect((await get(`${window(2)}&$filter=${encodeURIComponent("Activity gt 'x'")}`)).status).toBe(400);
  });
});

describe('workspace (non-admin) APIs', () => {
  const shared = () => sim.tenant.listWorkspaces().filter((w) => w.state === 'Active' && !w.isPersonal);

  test('groups lists the active shared workspaces the service principal is a member of', async () => {
    const reply = (await get('groups')).json as List;
    expect(reply.value.map((g) => g.id)).toEqual(shared().map((w) => w.id));
    const top = (await get('groups?$top=3&$skip=2')).json as List;
    expect(top.value.map((g) => g.id)).toEqual(
      shared()
        .slice(2, 5)
        .map((w) => w.id),
    );
  });

  test('reports, dashboards, tiles, datasets, datasources, refreshes, schedule, dataflows, users and pages match the tenant', async () => {
    const ws = shared()
      .map((w) => sim.tenant.workspace(w.id))
      .find(
        (w) => w && w.dashboards.length > 0 && w.datasets.some((d) => (d.datasourceUsages?.length ?? 0) > 0),
      );
    if (!ws) throw new Error('generator produced no workspace with dashboards and datasources');
    const base = `groups/${ws.id}`;
    expect(((await get(`${base}/reports`)).json as List).value.map((r) => r.id)).toEqual(
      ws.reports.map((r) => r.id),
    );
    expect(((await get(`${base}/dashboards`)).json as List).value.map((r) => r.id)).toEqual(
      ws.dashboards.map((d) => d.id),
    );
    const board = ws.dashboards[0];
    expect(
      ((await get(`${base}/dashboards/${board?.id}/tiles`)).json as List).value.map((t) => t.id),
    ).toEqual(board?.tiles.map((t) => t.id));
    expect(((await get(`${base}/datasets`)).json as List).value.map((r) => r.id)).toEqual(
      ws.datasets.map((d) => d.id),
    );
    const ds = ws.datasets.find((d) => (d.datasourceUsages?.length ?? 0) > 0);
    const sources = ((await get(`${base}/datasets/${ds?.id}/datasources`)).json as List).value;
    expect(sources.map((s) => s.datasourceId).sort()).toEqual(
      (ds?.datasourceUsages ?? []).map((u) => u.datasourceInstanceId).sort(),
    );
    expect((await get(`${base}/datasets/${ds?.id}/refreshes?$top=5`)).status).toBe(200);
    expect(
      ((await get(`${base}/datasets/${ds?.id}/refreshSchedule`)).json as { enabled: boolean }).enabled,
    ).toBe(ds?.refreshSchedule?.enabled ?? false);
    expect(((await get(`${base}/dataflows`)).json as List).value.length).toBe(ws.dataflows.length);
    expect(((await get(`${base}/users`)).json as List).value.length).toBe(ws.users?.length);
    const report = ws.reports[0];
    expect(((await get(`${base}/reports/${report?.id}/pages`)).json as List).value.length).toBeGreaterThan(0);
  });

  test('unknown ids are 404, personal workspaces 401, GET apps refuses service principals', async () => {
    expect((await get('groups/00000000-0000-0000-0000-000000000000/reports')).status).toBe(404);
    const personal = sim.tenant.listWorkspaces().find((w) => w.isPersonal && w.state === 'Active');
    expect((await get(`groups/${personal?.id}/reports`)).status).toBe(401);
    expect((await get('apps')).status).toBe(401);
    expect((await get('no/such/route')).status).toBe(404);
  });
});
