import { startSimulator, type MutationResult, type Simulator } from '../../simulator/index.js';
import { API, appToken, call } from './helpers/client.js';

let sim: Simulator;
let token: string;
beforeEach(async () => {
  sim = await startSimulator({ workspaces: 200, seed: 31, scanDurationMs: 0, budgets: { modified: 0 } });
  token = await appToken(sim);
});
afterEach(() => sim.close());

test('POST /__simulator/mutate changes workspaces; modified?modifiedSince then returns exactly those', async () => {
  const before = sim.now();
  sim.advanceClock(1000);
  const reply = await call(sim, 'POST', '/__simulator/mutate', { body: { workspaces: 6, seed: 4 } });
  expect(reply.status).toBe(200);
  const result = reply.json as MutationResult;
  expect(result.changed).toHaveLength(5);
  expect(result.deletedWorkspaces).toHaveLength(1);
  expect(result.addedWorkspaces).toHaveLength(1);
  sim.advanceClock(31 * 60_000);
  const since = new Date(before).toISOString();
  const modified = (
    await call(sim, 'GET', `${API}/admin/workspaces/modified?modifiedSince=${since}`, { token })
  ).json as { id: string }[];
  const expected = [
    ...result.changed.map((c) => c.workspaceId),
    ...result.deletedWorkspaces,
    ...result.addedWorkspaces,
  ];
  expect(modified.map((m) => m.id).sort()).toEqual(expected.sort());

  const info = await call(sim, 'POST', `${API}/admin/workspaces/getInfo?lineage=True`, {
    token,
    body: { workspaces: expected },
  });
  const scan = (
    await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${(info.json as { id: string }).id}`, {
      token,
    })
  ).json as {
    workspaces: { id: string; state: string; reports: { id: string }[]; datasets: { id: string }[] }[];
  };
  const byId = new Map(scan.workspaces.map((w) => [w.id, w]));
  expect(byId.get(result.deletedWorkspaces[0] ?? '')?.state).toBe('Deleted');
  for (const change of result.changed) {
    const ws = byId.get(change.workspaceId);
    const present = new Set([...(ws?.reports ?? []), ...(ws?.datasets ?? [])].map((a) => a.id));
    for (const id of change.added) expect(present.has(id)).toBe(true);
    for (const id of change.deleted) expect(present.has(id)).toBe(false);
    expect(change.changed.length + change.added.length + change.deleted.length).toBeGreaterThan(0);
  }
});

test('the same mutate request on the same tenant gives the same changes (deterministic)', async () => {
  const other = await startSimulator({ workspaces: 200, seed: 31 });
  try {
    const strip = (r: MutationResult) => ({ ...r, at: 0 });
    expect(strip(other.mutate({ workspaces: 3, seed: 9 }))).toEqual(
      strip(sim.mutate({ workspaces: 3, seed: 9 })),
    );
  } finally {
    await other.close();
  }
});

test('GET /__simulator/stats counts requests per endpoint, token requests and peak scans in flight', async () => {
  const ids = sim.tenant.listWorkspaces().map((w) => w.id);
  await call(sim, 'GET', `${API}/admin/workspaces/modified`, { token });
  await call(sim, 'POST', `${API}/admin/workspaces/getInfo`, {
    token,
    body: { workspaces: ids.slice(0, 2) },
  });
  const stats = (await call(sim, 'GET', '/__simulator/stats')).json as ReturnType<Simulator['stats']>;
  expect(stats.requests).toEqual({ token: 1, modified: 1, getInfo: 1 });
  expect(stats.tokenRequests).toBe(1);
  expect(stats.scansCreated).toBe(1);
  expect(stats.statuses).toEqual({ '200': 2, '202': 1 });
});

test('control endpoints reject bad input', async () => {
  expect((await call(sim, 'POST', '/__simulator/mutate', { body: { workspaces: 0 } })).status).toBe(400);
  expect((await call(sim, 'POST', '/__simulator/mutate', { body: '{' })).status).toBe(400);
  expect((await call(sim, 'GET', '/__simulator/nothing')).status).toBe(404);
});
