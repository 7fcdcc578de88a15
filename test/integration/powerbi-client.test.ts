import { ConnectorError } from '../../src/errors.js';
import { MsalTokenProvider } from '../../src/auth/msal-token-provider.js';
import type { AuthSettings } from '../../src/auth/settings.js';
import {
  createPowerBiClient,
  type PowerBiClient,
  type PowerBiClientOptions,
} from '../../src/powerbi/client.js';
import type { WaitInfo } from '../../src/powerbi/rate-limiter.js';
import { startSimulator, type CredentialKind, type Simulator } from '../../simulator/index.js';

/** HTTP behaviour of the client (retry table, patience, tokens, TLS, paging) against the simulator. */

let sim: Simulator;
const clients: PowerBiClient[] = [];
/** Every token msal handed out, to prove none appears in an error or log line. */
const tokensSeen = new Set<string>();
const errorsSeen: ConnectorError[] = [];
const logs: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ workspaces: 120, scanDurationMs: 200 });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await sim.close();
  const haystack = [...errorsSeen.map((e) => `${e.message} ${e.internalMessage ?? ''}`), ...logs].join('\n');
  for (const token of tokensSeen) expect(haystack).not.toContain(token);
  expect(tokensSeen.size).toBeGreaterThan(0);
});

afterEach(() => {
  try {
    sim.faults.assertAllConsumed();
  } finally {
    sim.faults.clear();
  }
});

function makeClient(
  options: Partial<PowerBiClientOptions> = {},
  kind: CredentialKind = 'service_principal_secret',
) {
  const msal = new MsalTokenProvider({
    settings: sim.configFor(kind) as unknown as AuthSettings,
    secrets: { register: (secret) => void (secret && tokensSeen.add(secret)) },
  });
  const waits: WaitInfo[] = [];
  const client = createPowerBiClient({
    apiBaseUrl: `${sim.url}/v1.0/myorg`,
    tokenProvider: {
      getAccessToken: async (opts) => {
        const token = await msal.getAccessToken(opts);
        tokensSeen.add(token);
        return token;
      },
    },
    caCertificate: sim.caCertificate,
    maxRetryWaitSeconds: 30,
    requestTimeoutMs: 3_000,
    retry: { baseDelayMs: 20, maxDelayMs: 200, throttleBaseDelayMs: 50 },
    log: (level, message) => logs.push(`${level}: ${message}`),
    onWait: (info) => waits.push(info),
    ...options,
  });
  clients.push(client);
  return { client, waits };
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  errorsSeen.push(error as ConnectorError);
  return error as ConnectorError;
}

const requests = (endpoint: string) => sim.stats().requests[endpoint] ?? 0;
const listAll = (client: PowerBiClient) =>
  client.listModifiedWorkspaceIds({ excludePersonalWorkspaces: false, excludeInActiveWorkspaces: false });

describe('Power BI client against the simulator', () => {
  it('lists workspaces, honouring the filters and modifiedSince', async () => {
    const { client } = makeClient();
    const all = await listAll(client);
    expect([...all].sort()).toEqual(sim.tenant.modifiedIds({}).sort());
    const active = await client.listModifiedWorkspaceIds({
      excludePersonalWorkspaces: true,
      excludeInActiveWorkspaces: true,
    });
    expect([...active].sort()).toEqual(
      sim.tenant.modifiedIds({ excludePersonal: true, excludeInactive: true }).sort(),
    );
    expect(active.length).toBeLessThan(all.length);
    const since = new Date(sim.now() - 10 * 24 * 3_600_000);
    const recent = await client.listModifiedWorkspaceIds({
      modifiedSince: since,
      excludePersonalWorkspaces: false,
      excludeInActiveWorkspaces: false,
    });
    expect([...recent].sort()).toEqual(sim.tenant.modifiedIds({ since: since.getTime() }).sort());
  });

  it('refuses a modifiedSince outside 30 min..30 days without calling the API', async () => {
    const { client } = makeClient();
    const before = requests('modified');
    for (const ageMs of [10 * 60_000, 31 * 24 * 3_600_000]) {
      const error = await failure(
        client.listModifiedWorkspaceIds({
          modifiedSince: new Date(Date.now() - ageMs),
          excludePersonalWorkspaces: false,
          excludeInActiveWorkspaces: false,
        }),
      );
      expect(error.message).toMatch(/between 30 minutes and 30 days/);
    }
    expect(requests('modified')).toBe(before);
  });

  it('waits out a 429 with Retry-After and tells onWait', async () => {
    const { client, waits } = makeClient();
    sim.faults.script({ kind: '429', endpoint: 'modified', retryAfterSeconds: 1 });
    const before = Date.now();
    expect((await listAll(client)).length).toBe(120);
    expect(waits).toEqual([
      { endpoint: 'modified', untilMs: expect.any(Number) as number, reason: 'throttled' },
    ]);
    expect(waits[0]?.untilMs).toBeGreaterThanOrEqual(before + 1000);
  });

  it('stops at once with transient_error + retryAfterMs when Retry-After exceeds patience', async () => {
    const { client, waits } = makeClient({ maxRetryWaitSeconds: 60 });
    sim.faults.script({ kind: '429', endpoint: 'modified', retryAfterSeconds: 3392 });
    const before = requests('modified');
    const start = Date.now();
    const error = await failure(listAll(client));
    expect(error.failureType).toBe('transient_error');
    expect(error.httpStatus).toBe(429);
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(start + 3_392_000);
    expect(error.retryAfterMs).toBeLessThan(Date.now() + 3_393_000);
    expect(requests('modified')).toBe(before + 1);
    expect(waits).toEqual([]);
  });

  it('retries 500, 502, 503, resets, malformed bodies and timeouts on GET', async () => {
    const { client } = makeClient({
      requestTimeoutMs: 1_000,
      retry: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 7 },
    });
    for (const kind of [
      '500',
      '502',
      '503',
      'reset',
      'malformed',
      'timeout',
      '429-no-retry-after',
    ] as const) {
      sim.faults.script({ kind, endpoint: 'modified' });
    }
    const before = requests('modified');
    expect((await listAll(client)).length).toBe(120);
    expect(requests('modified')).toBe(before + 8);
  });

  it('gives up after maxAttempts with a transient_error', async () => {
    const { client } = makeClient({ retry: { baseDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 } });
    sim.faults.script({ kind: '503', endpoint: 'modified', times: 3 });
    const error = await failure(listAll(client));
    expect(error.failureType).toBe('transient_error');
    expect(error.httpStatus).toBe(503);
    expect(error.message).toMatch(/after 3 attempt/);
  });

  it('renews an expired token once and carries on', async () => {
    const { client } = makeClient();
    await listAll(client);
    sim.faults.script({ kind: 'token-expiry', endpoint: 'modified' });
    expect((await listAll(client)).length).toBe(120);
    expect(client.stats().tokenRefreshes).toBe(1);
  });

  it('names the tenant setting when the service principal is not allowed to use admin APIs', async () => {
    const { client } = makeClient({}, 'not_allowed_secret');
    const error = await failure(listAll(client));
    expect(error.failureType).toBe('config_error');
    expect(error.httpStatus).toBe(401);
    expect(error.vendorCode).toBe('PowerBINotAuthorizedException');
    expect(error.message).toMatch(/read-only admin APIs/);
    expect(client.stats().tokenRefreshes).toBe(1);
  });

  it('verifies TLS: without the CA certificate the call fails as config_error', async () => {
    const tokenless = createPowerBiClient({
      apiBaseUrl: `${sim.url}/v1.0/myorg`,
      tokenProvider: { getAccessToken: () => Promise.resolve('not-a-real-token') },
      maxRetryWaitSeconds: 1,
      requestTimeoutMs: 2_000,
    });
    clients.push(tokenless);
    const error = await failure(listAll(tokenless));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toMatch(/CA certificate/);
    expect(error.internalMessage).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
  });

  it('pages through one UTC day of activity events by continuation token', async () => {
    const { client } = makeClient();
    const day = new Date(sim.now() - 24 * 3_600_000).toISOString().slice(0, 10);
    const before = requests('activityEvents');
    const events = [];
    for await (const event of client.iterateActivityEvents({ day })) events.push(event);
    const pages = requests('activityEvents') - before;
    expect(pages).toBeGreaterThan(1);
    expect(events.length).toBeGreaterThan(0);
    expect(new Set(events.map((e) => e.Id)).size).toBe(events.length);
    for (const event of events) expect(String(event.CreationTime).slice(0, 10)).toBe(day);
    const views = [];
    for await (const event of client.iterateActivityEvents({ day, filter: "Activity eq 'ViewReport'" }))
      views.push(event);
    expect(views.length).toBeGreaterThan(0);
    expect(views.map((e) => e.Id)).toEqual(
      events.filter((e) => e.Activity === 'ViewReport').map((e) => e.Id),
    );
    await expect(client.iterateActivityEvents({ day: '2026-02-30' }).next()).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('pages admin/apps with $top/$skip and reads one admin group for check', async () => {
    const { client } = makeClient();
    const big = [];
    for await (const app of client.iterateApps()) big.push(app.id);
    const small = [];
    const before = requests('adminApps');
    for await (const app of client.iterateApps({ pageSize: 2 })) small.push(app.id);
    expect(big.length).toBeGreaterThan(2);
    expect(small).toEqual(big);
    expect(requests('adminApps') - before).toBe(Math.floor(big.length / 2) + 1);
    const groupsBefore = requests('adminGroups');
    const groups = [];
    for await (const group of client.iterateGroups({ maxItems: 1 })) groups.push(group);
    expect(groups).toHaveLength(1);
    expect(requests('adminGroups') - groupsBefore).toBe(1);
  });

  it('reads the refresh history of a dataset', async () => {
    const { client } = makeClient();
    const [workspaceId] = sim.tenant.modifiedIds({ excludePersonal: true, excludeInactive: true });
    const dataset = sim.tenant.workspace(workspaceId ?? '')?.datasets?.[0];
    expect(dataset?.id).toBeDefined();
    const refreshes = await client.listDatasetRefreshes(workspaceId ?? '', dataset?.id ?? '', 3);
    expect(refreshes.length).toBeGreaterThan(0);
    expect(refreshes.length).toBeLessThanOrEqual(3);
  });
});
