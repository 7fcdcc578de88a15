import { startSimulator, type Simulator } from '../../simulator/index.js';
import { API, appToken, call } from './helpers/client.js';

let sim: Simulator;
let token: string;
beforeAll(async () => {
  sim = await startSimulator({ workspaces: 5, seed: 8, scanDurationMs: 0 });
  token = await appToken(sim);
});
afterAll(() => sim.close());
afterEach(() => {
  try {
    sim.faults.assertAllConsumed();
  } finally {
    sim.faults.clear();
  }
});

const modified = () => call(sim, 'GET', `${API}/admin/workspaces/modified`, { token });

async function scanResult(): Promise<{ text: string; ids: string[] }> {
  const ids = sim.tenant.listWorkspaces().map((w) => w.id);
  const posted = await call(sim, 'POST', `${API}/admin/workspaces/getInfo?lineage=true`, {
    token,
    body: { workspaces: ids },
  });
  const scanId = (posted.json as { id: string }).id;
  const reply = await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${scanId}`, { token });
  expect(reply.status).toBe(200);
  return { text: reply.text, ids };
}

test('429 sends the Retry-After header verbatim when given as a string', async () => {
  for (const value of ['-5', 'garbage', 'Sun, 06 Nov 1994 08:49:37 GMT'])
    sim.faults.script({ kind: '429', endpoint: 'modified', retryAfter: value });
  for (const value of ['-5', 'garbage', 'Sun, 06 Nov 1994 08:49:37 GMT']) {
    const reply = await modified();
    expect(reply.status).toBe(429);
    expect(reply.headers['retry-after']).toBe(value);
  }
});

test('drip sends the normal answer, a few bytes per interval', async () => {
  const normal = await modified();
  sim.faults.script({ kind: 'drip', endpoint: 'modified', dripBytes: 64, dripIntervalMs: 20 });
  const started = Date.now();
  const dripped = await modified();
  const elapsed = Date.now() - started;
  expect(dripped.status).toBe(200);
  expect(dripped.json).toEqual(normal.json);
  // At 64 bytes per 20 ms the body takes at least (size / 64 - 1) intervals.
  expect(elapsed).toBeGreaterThanOrEqual((Math.floor(normal.text.length / 64) - 1) * 20);
});

test('huge-body and deep-body answer 200 with the asked size or depth', async () => {
  sim.faults.script({ kind: 'huge-body', endpoint: 'modified', sizeBytes: 3 * 1024 * 1024 });
  sim.faults.script({ kind: 'deep-body', endpoint: 'modified', depth: 5000 });
  const huge = await modified();
  expect(huge.status).toBe(200);
  expect(huge.text.length).toBeGreaterThanOrEqual(3 * 1024 * 1024);
  expect(huge.text.length).toBeLessThan(3 * 1024 * 1024 + 200);
  expect((huge.json as { value: unknown[] }).value.length).toBeGreaterThan(50_000);
  const deep = await modified();
  expect(deep.text).toBe(`{"value":${'['.repeat(5000)}${']'.repeat(5000)}}`);
});

test('deep-workspace and huge-string-workspace change the first workspace of the next scan result only', async () => {
  const clean = await scanResult();
  const cleanWorkspaces = (JSON.parse(clean.text) as { workspaces: Record<string, unknown>[] }).workspaces;

  sim.faults.script({ kind: 'deep-workspace', depth: 300 });
  const deep = JSON.parse((await scanResult()).text) as { workspaces: Record<string, unknown>[] };
  let level: unknown = deep.workspaces[0]!.hostileNesting;
  let depth = 0;
  while (Array.isArray(level)) {
    depth += 1;
    level = level[0];
  }
  expect(depth).toBe(300);
  const { hostileNesting: _dropped, ...rest } = deep.workspaces[0]!;
  expect(rest).toEqual(cleanWorkspaces[0]);
  expect(deep.workspaces.slice(1)).toEqual(cleanWorkspaces.slice(1));

  sim.faults.script({ kind: 'huge-string-workspace', sizeBytes: 2 * 1024 * 1024 });
  const huge = JSON.parse((await scanResult()).text) as { workspaces: Record<string, unknown>[] };
  expect(huge.workspaces[0]!.description).toBe('x'.repeat(2 * 1024 * 1024));
  expect(huge.workspaces[0]!.id).toBe(cleanWorkspaces[0]!.id);
  expect(huge.workspaces.slice(1)).toEqual(cleanWorkspaces.slice(1));
});

test('bad fault options are refused', () => {
  expect(() => sim.faults.script({ kind: 'drip', dripBytes: 0 })).toThrow(/dripBytes/);
  expect(() => sim.faults.script({ kind: 'deep-body', depth: 1.5 })).toThrow(/depth/);
  expect(() => sim.faults.script({ kind: '429', retryAfter: 5 as unknown as string })).toThrow(/retryAfter/);
});

test('the control endpoint scripts the new kinds too', async () => {
  const reply = await call(sim, 'POST', '/__simulator/faults', {
    body: { kind: '429', endpoint: 'modified', retryAfter: 'soon' },
  });
  expect(reply.status).toBe(200);
  expect((await modified()).headers['retry-after']).toBe('soon');
});
