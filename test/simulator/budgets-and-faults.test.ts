import { startSimulator, type Simulator } from '../../simulator/index.js';
import { parseFaultSpec } from '../../simulator/faults.js';
import { API, appToken, call } from './helpers/client.js';

let sim: Simulator;
let token: string;

/**
 * The simulator of a block: a fresh one per test where a test counts on its budgets or its
 * statistics (`each`), one for the block where every test scripts its own faults (`all`).
 */
function useSimulator(scope: 'all' | 'each'): void {
  const [before, after] = scope === 'all' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    sim = await startSimulator({ workspaces: 30, seed: 8, scanDurationMs: 0 });
    token = await appToken(sim);
  });
  after(() => sim.close());
}

const modified = () => call(sim, 'GET', `${API}/admin/workspaces/modified`, { token });
const groups = () => call(sim, 'GET', `${API}/admin/groups?$top=10`, { token });

describe('budgets', () => {
  useSimulator('each');

  test('modified allows 30 calls an hour, then 429 with Retry-After and the throttling message', async () => {
    for (let i = 0; i < 30; i++) expect((await modified()).status).toBe(200);
    const over = await modified();
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(over.json).toEqual({
      message: `You have exceeded the amount of requests allowed in the current time frame and further requests will fail. Retry in ${retryAfter} seconds.`,
    });
    expect(sim.stats().throttled.modified).toBe(1);
    sim.advanceClock(retryAfter * 1000);
    token = await appToken(sim);
    expect((await modified()).status).toBe(200);
  });

  test('admin/groups allows 15 calls a minute', async () => {
    for (let i = 0; i < 15; i++) expect((await groups()).status).toBe(200);
    const over = await groups();
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeLessThanOrEqual(60);
    sim.advanceClock(60_000);
    expect((await groups()).status).toBe(200);
  });
});

describe('scripted faults', () => {
  useSimulator('all');
  // A test that leaves a scripted fault unfired (on purpose or by failing) leaves it to itself.
  afterEach(() => sim.faults.clear());

  test('429 fires the declared number of times on the declared endpoint, with its Retry-After', async () => {
    sim.faults.script({ endpoint: 'modified', kind: '429', times: 2, retryAfterSeconds: 3 });
    const first = await modified();
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('3');
    expect((await groups()).status).toBe(200);
    expect((await modified()).status).toBe(429);
    expect((await modified()).status).toBe(200);
    sim.faults.assertAllConsumed();
  });

  test('assertAllConsumed names a fault that never fired', async () => {
    sim.faults.script({ endpoint: 'scanResult', kind: '503', times: 2 });
    sim.faults.script({ endpoint: 'modified', kind: '500' });
    expect((await modified()).status).toBe(500);
    expect(() => sim.faults.assertAllConsumed()).toThrow(/503 on scanResult \(fired 0 of 2\)/);
  });

  test('status faults: 429 without Retry-After, 500, 502 (non-JSON), 503', async () => {
    for (const kind of ['429-no-retry-after', '500', '502', '503'] as const)
      sim.faults.script({ endpoint: 'modified', kind });
    const noRetry = await modified();
    expect(noRetry.status).toBe(429);
    expect(noRetry.headers['retry-after']).toBeUndefined();
    expect((await modified()).status).toBe(500);
    const badGateway = await modified();
    expect(badGateway.status).toBe(502);
    expect(badGateway.json).toBeUndefined();
    expect((await modified()).status).toBe(503);
    sim.faults.assertAllConsumed();
  });

  test('reset drops the connection, timeout never answers, malformed sends truncated JSON', async () => {
    sim.faults.script({ endpoint: 'modified', kind: 'reset' });
    sim.faults.script({ endpoint: 'modified', kind: 'timeout' });
    sim.faults.script({ endpoint: 'modified', kind: 'malformed' });
    await expect(modified()).rejects.toThrow(/socket hang up|ECONNRESET/);
    await expect(
      call(sim, 'GET', `${API}/admin/workspaces/modified`, { token, timeoutMs: 500 }),
    ).rejects.toThrow('client timeout');
    const malformed = await modified();
    expect(malformed.status).toBe(200);
    expect(() => JSON.parse(malformed.text) as unknown).toThrow();
    sim.faults.assertAllConsumed();
  });

  test('token-expiry expires every token issued so far', async () => {
    sim.faults.script({ endpoint: 'modified', kind: 'token-expiry' });
    expect((await modified()).status).toBe(403);
    token = await appToken(sim);
    expect((await modified()).status).toBe(200);
  });

  test('scan-failed, scan-stuck and result-expired', async () => {
    const ids = sim.tenant.listWorkspaces().map((w) => w.id);
    sim.faults.script({ kind: 'scan-failed' });
    sim.faults.script({ kind: 'scan-stuck' });
    sim.faults.script({ kind: 'result-expired' });
    const scan = async (): Promise<string> =>
      (
        (
          await call(sim, 'POST', `${API}/admin/workspaces/getInfo`, {
            token,
            body: { workspaces: ids.slice(0, 2) },
          })
        ).json as { id: string }
      ).id;
    const status = async (id: string) =>
      (await call(sim, 'GET', `${API}/admin/workspaces/scanStatus/${id}`, { token })).json as {
        status: string;
        error?: { code: string };
      };
    const failed = await status(await scan());
    expect(failed.status).toBe('Failed');
    expect(failed.error?.code).toBe('ScanFailed');
    const stuck = await scan();
    sim.advanceClock(60 * 60_000);
    token = await appToken(sim);
    expect((await status(stuck)).status).toBe('Running');
    const ok = await scan();
    expect((await status(ok)).status).toBe('Succeeded');
    expect((await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${ok}`, { token })).status).toBe(404);
    sim.faults.assertAllConsumed();
  });

  test('faults can target the token endpoint', async () => {
    sim.faults.script({ endpoint: 'token', kind: '503' });
    await expect(appToken(sim)).rejects.toThrow('token request failed: 503');
    sim.faults.assertAllConsumed();
  });
});

describe('probabilistic faults', () => {
  useSimulator('each');

  test('probabilistic faults from a spec hit Power BI endpoints at about the given rate', async () => {
    expect(parseFaultSpec('429=0.05,503=0.02,reset=0.01')).toEqual({ '429': 0.05, '503': 0.02, reset: 0.01 });
    expect(() => parseFaultSpec('teapot=0.1')).toThrow(/unknown fault kind/);
    expect(() => parseFaultSpec('429=2')).toThrow(/must be in \[0, 1\]/);
    sim.faults.setProbabilities({ '503': 0.5 }, 1);
    let failures = 0;
    for (let i = 0; i < 40; i++)
      if ((await call(sim, 'GET', `${API}/groups`, { token })).status === 503) failures++;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
    expect(sim.stats().faultsFired['503']).toBe(failures);
  });
});
