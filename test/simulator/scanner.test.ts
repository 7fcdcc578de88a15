import { startSimulator, type Simulator } from '../../simulator/index.js';
import { API, appToken, call } from './helpers/client.js';

const MIN = 60_000;
const ALL =
  'lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True&getArtifactUsers=True';

let sim: Simulator;
let token: string;

/**
 * The simulator of a block: one for all its tests when they leave nothing behind that another test
 * would see (`all`), a fresh one per test when they move its clock, fill its scan slots or mutate
 * its tenant (`each`).
 */
function useSimulator(scope: 'all' | 'each'): void {
  const [before, after] = scope === 'all' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    sim = await startSimulator({
      workspaces: 300,
      seed: 11,
      scanDurationMs: 10 * 1000,
      budgets: { modified: 0 },
    });
    token = await appToken(sim);
  });
  after(() => sim.close());
}

const ids = (): string[] => sim.tenant.listWorkspaces().map((w) => w.id);
const getInfo = (workspaces: unknown, flags = ALL) =>
  call(sim, 'POST', `${API}/admin/workspaces/getInfo?${flags}`, { token, body: { workspaces } });

describe('admin/workspaces/modified', () => {
  useSimulator('all');

  test('without modifiedSince lists every workspace; the exclusions drop personal and inactive ones', async () => {
    const all = await call(sim, 'GET', `${API}/admin/workspaces/modified`, { token });
    expect(all.status).toBe(200);
    expect((all.json as { id: string }[]).map((x) => x.id)).toEqual(ids());
    const some = await call(
      sim,
      'GET',
      `${API}/admin/workspaces/modified?excludePersonalWorkspaces=True&excludeInActiveWorkspaces=True`,
      { token },
    );
    const expected = sim.tenant
      .listWorkspaces()
      .filter((w) => !w.isPersonal && w.state === 'Active')
      .map((w) => w.id);
    expect((some.json as { id: string }[]).map((x) => x.id)).toEqual(expected);
    expect(expected.length).toBeLessThan(ids().length);
  });

  test('modifiedSince returns exactly the workspaces changed since then', async () => {
    const since = new Date(sim.now() - 10 * 24 * 60 * MIN).toISOString();
    const reply = await call(sim, 'GET', `${API}/admin/workspaces/modified?modifiedSince=${since}`, {
      token,
    });
    const truth = sim.tenant
      .listWorkspaces()
      .filter((w) => w.lastModified >= Date.parse(since))
      .map((w) => w.id);
    expect(truth.length).toBeGreaterThan(0);
    expect((reply.json as { id: string }[]).map((x) => x.id)).toEqual(truth);
  });

  test.each([
    ['less than 30 minutes ago', 10 * MIN],
    ['more than 30 days ago', 31 * 24 * 60 * MIN],
  ])('modifiedSince %s is a 400', async (_label, age) => {
    const since = new Date(sim.now() - age).toISOString();
    const reply = await call(sim, 'GET', `${API}/admin/workspaces/modified?modifiedSince=${since}`, {
      token,
    });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      error: {
        code: 'InvalidRequest',
        message: 'modifiedSince must be between 30 minutes and 30 days before the current time.',
      },
    });
  });
});

describe('getInfo / scanStatus / scanResult', () => {
  useSimulator('each');

  test('rejects 0 and 101 workspaces with the InvalidRequest body', async () => {
    for (const list of [[], ids().slice(0, 101)]) {
      const reply = await getInfo(list);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({
        error: {
          code: 'InvalidRequest',
          message: 'The number of workspaces in the request must be between 1 and 100.',
        },
      });
    }
    expect((await getInfo('nope')).status).toBe(400);
  });

  test('a scan goes NotStarted → Running → Succeeded with simulated time, and the result only then', async () => {
    const info = await getInfo(ids().slice(0, 3));
    expect(info.status).toBe(202);
    const body = info.json as { id: string; status: string; createdDateTime: string };
    expect(body.status).toBe('NotStarted');
    expect(body.createdDateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$/);
    expect(info.headers.location).toBe(`${sim.url}/v1.0/myorg/admin/workspaces/scanStatus/${body.id}`);
    const status = async (): Promise<string> =>
      (
        (await call(sim, 'GET', `${API}/admin/workspaces/scanStatus/${body.id}`, { token })).json as {
          status: string;
        }
      ).status;
    expect((await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${body.id}`, { token })).status).toBe(
      400,
    );
    sim.advanceClock(5000);
    expect(await status()).toBe('Running');
    sim.advanceClock(5000);
    expect(await status()).toBe('Succeeded');
    const result = await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${body.id}`, { token });
    expect(result.status).toBe(200);
    expect(result.headers['transfer-encoding']).toBe('chunked');
    expect((result.json as { workspaces: { id: string }[] }).workspaces.map((w) => w.id)).toEqual(
      ids().slice(0, 3),
    );
  });

  test('at most 16 scans in flight: the 17th getInfo is a 429 without Retry-After', async () => {
    for (let i = 0; i < 16; i++) expect((await getInfo([ids()[i]])).status).toBe(202);
    const over = await getInfo([ids()[16]]);
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toBeUndefined();
    expect(over.json).toEqual({
      message: expect.stringContaining('You have exceeded the amount of requests') as unknown,
    });
    expect(sim.stats().peakScansInFlight).toBe(16);
    sim.advanceClock(10_000);
    expect((await getInfo([ids()[16]])).status).toBe(202);
  });

  test('results expire after 24 hours with a 404 PowerBIEntityNotFound', async () => {
    const id = ((await getInfo(ids().slice(0, 1))).json as { id: string }).id;
    sim.advanceClock(24 * 60 * MIN + 11_000);
    token = await appToken(sim); // the old token expired too
    const reply = await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${id}`, { token });
    expect(reply.status).toBe(404);
    expect((reply.json as { error: { code: string } }).error.code).toBe('PowerBIEntityNotFound');
  });

  test('the result is the snapshot at getInfo time, even after later mutations', async () => {
    const id = ((await getInfo(ids())).json as { id: string } | undefined)?.id;
    expect(id).toBeUndefined();
    const before = sim.tenant.workspace(ids()[0] ?? '');
    const scan = ((await getInfo(ids().slice(0, 100))).json as { id: string }).id;
    sim.mutate({ workspaces: 100, seed: 1 });
    sim.advanceClock(10_000);
    const result = (await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${scan}`, { token })).json as {
      workspaces: unknown[];
    };
    expect(result.workspaces[0]).toEqual(before);
  });
});

describe('flags and tenant settings', () => {
  useSimulator('all');
  // Each scan below runs to its end (the clock moves past it); the settings a test turns off come back on.
  afterEach(() => {
    sim.settings.enhancedMetadata = true;
    sim.settings.daxAndMashup = true;
  });

  async function scan(
    flags: string,
  ): Promise<{ workspaces: Record<string, unknown>[]; datasourceInstances?: unknown[] }> {
    const id = ((await getInfo(ids().slice(0, 100), flags)).json as { id: string }).id;
    sim.advanceClock(10_000);
    return (await call(sim, 'GET', `${API}/admin/workspaces/scanResult/${id}`, { token })).json as {
      workspaces: Record<string, unknown>[];
    };
  }
  const text = (x: unknown): string => JSON.stringify(x);

  test('all flags on: tables, expressions, users and datasource instances are present', async () => {
    const all = await scan(ALL);
    expect(text(all)).toContain('"tables"');
    expect(text(all)).toContain('"source"');
    expect(text(all)).toContain('"users"');
    expect(all.datasourceInstances?.length).toBeGreaterThan(0);
  });

  test('no flags: no tables, expressions, users, lineage or datasource instances', async () => {
    const none = await scan('');
    for (const key of [
      '"tables"',
      '"expressions"',
      '"users"',
      '"datasourceUsages"',
      '"upstreamDataflows"',
      '"tiles"',
    ])
      expect(text(none)).not.toContain(key);
    expect(none.datasourceInstances).toBeUndefined();
  });

  test('without "detailed metadata" there are no tables even with datasetSchema=true', async () => {
    sim.settings.enhancedMetadata = false;
    expect(text(await scan(ALL))).not.toContain('"tables"');
  });

  test('without "DAX and mashup expressions" tables come without expressions', async () => {
    sim.settings.daxAndMashup = false;
    const result = text(await scan(ALL));
    expect(result).toContain('"tables"');
    for (const key of ['"source"', '"expressions"', '"expression"']) expect(result).not.toContain(key);
  });
});
