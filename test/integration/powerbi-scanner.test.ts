import { randomUUID } from 'node:crypto';
import { ConnectorError } from '../../src/errors.js';
import { MsalTokenProvider } from '../../src/auth/msal-token-provider.js';
import type { AuthSettings } from '../../src/auth/settings.js';
import {
  createPowerBiClient,
  type PowerBiClient,
  type PowerBiClientOptions,
} from '../../src/powerbi/client.js';
import type { WaitInfo } from '../../src/powerbi/rate-limiter.js';
import type { ScanEvent, ScanOptions } from '../../src/powerbi/scan-events.js';
import type { ScanWorkspace } from '../../src/powerbi/scan-types.js';
import { startSimulator, type Simulator } from '../../simulator/index.js';

/** Scanner flow against the simulator over HTTPS, with tokens from real msal-node. */

/** `read()` once it has not changed for `quietMs` (checked every 50 ms); throws after `limitMs`. */
async function settledCounts(read: () => string, quietMs: number, limitMs: number): Promise<string> {
  const start = Date.now();
  let last = read();
  let lastChange = Date.now();
  while (Date.now() - lastChange < quietMs) {
    if (Date.now() - start > limitMs)
      throw new Error(`requests still arriving after ${limitMs} ms: ${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = read();
    if (now !== last) [last, lastChange] = [now, Date.now()];
  }
  return last;
}

const SCAN: ScanOptions = {
  lineage: true,
  datasourceDetails: true,
  datasetSchema: true,
  datasetExpressions: true,
  getArtifactUsers: true,
  maxScansInFlight: 16,
  workspacesPerScan: 100,
  pollIntervalMs: 50,
  scanTimeoutMs: 20_000,
};

/**
 * Two tenants shared by the file's tests (a simulator costs ~0.7 s of key generation): quick scans
 * for most tests, which take the first n workspaces of its 250, and slow scans where scans must
 * overlap. Request counts are taken as differences from the start of each test.
 */
const tenants: { quick?: Simulator; slow?: Simulator } = {};
const clients: PowerBiClient[] = [];

beforeAll(async () => {
  tenants.quick = await startSimulator({ workspaces: 250, scanDurationMs: 100 });
  // Long enough that the first scans are still running when the 16th starts, even on a busy machine.
  tenants.slow = await startSimulator({ workspaces: 100, scanDurationMs: 1500 });
});

afterAll(async () => {
  await tenants.quick?.close();
  await tenants.slow?.close();
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  tenants.quick?.faults.clear();
  tenants.slow?.faults.clear();
});

async function setup(
  workspaces: number,
  options: { sim?: Simulator; client?: Partial<PowerBiClientOptions> } = {},
) {
  const sim = options.sim ?? tenants.quick!;
  const tokens = new MsalTokenProvider({
    settings: sim.config as unknown as AuthSettings,
    secrets: { register: () => undefined },
  });
  const waits: WaitInfo[] = [];
  const logs: string[] = [];
  const client = createPowerBiClient({
    apiBaseUrl: `${sim.url}/v1.0/myorg`,
    tokenProvider: tokens,
    caCertificate: sim.caCertificate,
    maxRetryWaitSeconds: 30,
    requestTimeoutMs: 5_000,
    retry: { baseDelayMs: 20, maxDelayMs: 200, throttleBaseDelayMs: 50 },
    log: (level, message) => logs.push(`${level}: ${message}`),
    onWait: (info) => waits.push(info),
    ...options.client,
  });
  clients.push(client);
  const all = await client.listModifiedWorkspaceIds({
    excludePersonalWorkspaces: false,
    excludeInActiveWorkspaces: false,
  });
  const before = sim.stats().requests;
  /** Calls of `endpoint` since this setup. */
  const requests = (endpoint: string) => (sim.stats().requests[endpoint] ?? 0) - (before[endpoint] ?? 0);
  return { sim, client, ids: all.slice(0, workspaces), all, waits, logs, requests };
}

interface ScanRun {
  events: ScanEvent[];
  workspaces: ScanWorkspace[];
  completes: Array<Extract<ScanEvent, { kind: 'batch-complete' }>>;
  failed: Array<Extract<ScanEvent, { kind: 'workspace-failed' }>>;
}

async function scan(
  client: PowerBiClient,
  ids: string[],
  options: Partial<ScanOptions> = {},
): Promise<ScanRun> {
  const run: ScanRun = { events: [], workspaces: [], completes: [], failed: [] };
  for await (const event of client.scanWorkspaces(ids, { ...SCAN, ...options })) {
    run.events.push(event);
    if (event.kind === 'workspace') run.workspaces.push(event.workspace);
    if (event.kind === 'batch-complete') run.completes.push(event);
    if (event.kind === 'workspace-failed') run.failed.push(event);
  }
  return run;
}

/** Every id in exactly one batch-complete or workspace-failed; no workspace yielded twice. */
function expectEachOnce(run: ScanRun, ids: string[]) {
  const accounted = [
    ...run.completes.flatMap((c) => c.workspaceIds),
    ...run.failed.map((f) => f.workspaceId),
  ];
  expect([...accounted].sort()).toEqual([...new Set(ids)].sort());
  const yielded = run.workspaces.map((w) => w.id);
  expect(new Set(yielded).size).toBe(yielded.length);
}

describe('scanWorkspaces against the simulator', () => {
  it('scans a 250-workspace tenant with ceil(n/100) getInfo calls, every workspace once and as the tenant holds it', async () => {
    const { sim, client, ids, all, requests } = await setup(250);
    expect(all).toHaveLength(250);
    const run = await scan(client, ids);
    expect(requests('getInfo')).toBe(3);
    expect(requests('scanResult')).toBe(3);
    expectEachOnce(run, ids);
    expect(run.failed).toEqual([]);
    expect(run.completes).toHaveLength(3);
    for (const workspace of run.workspaces) {
      expect(workspace).toEqual(JSON.parse(JSON.stringify(sim.tenant.workspace(workspace.id))));
    }
    const missing = run.completes.flatMap((c) => c.missingWorkspaceIds);
    expect(run.workspaces.length + missing.length).toBe(250);
    expect(run.completes.flatMap((c) => c.datasourceInstances).length).toBeGreaterThan(0);
    for (const complete of run.completes) expect(Number.isNaN(Date.parse(complete.scannedAt))).toBe(false);
    const last = run.events.filter((e) => e.kind === 'progress').pop();
    expect(last).toEqual({ kind: 'progress', batchesDone: 3, batchesTotal: 3, workspacesDone: 250 });
  });

  // The simulator's peak is over its whole life: the lower limit runs first.
  it.each([5, 16])('keeps exactly %i scans in flight at the peak', async (max) => {
    // More scans than the limit, two waves of them.
    const batches = max + 5;
    const { sim, client, ids, requests } = await setup(4 * batches, { sim: tenants.slow! });
    const run = await scan(client, ids, { workspacesPerScan: 4, maxScansInFlight: max, pollIntervalMs: 200 });
    expect(requests('getInfo')).toBe(batches);
    expect(sim.stats().peakScansInFlight).toBe(max);
    expect(client.stats().peakScansInFlight).toBe(max);
    expect(sim.stats().throttled.getInfo ?? 0).toBe(0);
    expectEachOnce(run, ids);
  });

  it('refuses more than 16 scans in flight or more than 100 workspaces per scan', async () => {
    const { client, ids } = await setup(5);
    await expect(scan(client, ids, { maxScansInFlight: 17 })).rejects.toThrow(/maxScansInFlight/);
    await expect(scan(client, ids, { workspacesPerScan: 101 })).rejects.toThrow(/workspacesPerScan/);
  });

  it('deduplicates ids and reports unknown ones as missing', async () => {
    const { client, ids, requests } = await setup(30);
    const unknown = randomUUID();
    const input = [...ids, ids[3] as string, (ids[7] as string).toUpperCase(), unknown];
    const run = await scan(client, input, { workspacesPerScan: 10 });
    expectEachOnce(run, [...ids, unknown]);
    expect(requests('getInfo')).toBe(4);
    expect(run.completes.flatMap((c) => c.missingWorkspaceIds)).toContain(unknown);
  });

  it('isolates a workspace whose scans keep failing and carries on with the others', async () => {
    const { sim, client, ids, requests } = await setup(2);
    // whole batch, its retry, then the first workspace alone twice: it is given up; the second succeeds.
    sim.faults.script({ kind: 'scan-failed', times: 4 });
    const run = await scan(client, ids, { maxScansInFlight: 1 });
    sim.faults.assertAllConsumed();
    expect(run.failed.map((f) => f.workspaceId)).toEqual([ids[0]]);
    expect(run.failed[0]?.error).toBeInstanceOf(ConnectorError);
    expect(run.failed[0]?.error.vendorCode).toBe('ScanFailed');
    expect(run.completes.map((c) => c.workspaceIds)).toEqual([[ids[1]]]);
    expect(requests('getInfo')).toBe(5);
    expectEachOnce(run, ids);
  });

  it('retries a failed batch once, then splits it in halves', async () => {
    const { sim, client, ids, requests } = await setup(20);
    sim.faults.script({ kind: 'scan-failed', times: 2 });
    const run = await scan(client, ids, { maxScansInFlight: 1 });
    sim.faults.assertAllConsumed();
    expect(run.completes.map((c) => c.workspaceIds.length)).toEqual([10, 10]);
    expect(run.failed).toEqual([]);
    expect(requests('getInfo')).toBe(4);
    expectEachOnce(run, ids);
  });

  it('resubmits a stuck scan after scanTimeoutMs', async () => {
    const { sim, client, ids, logs, requests } = await setup(40);
    sim.faults.script({ kind: 'scan-stuck' });
    const run = await scan(client, ids, { workspacesPerScan: 20, scanTimeoutMs: 1500 });
    sim.faults.assertAllConsumed();
    expect(requests('getInfo')).toBe(3);
    expect(logs.some((l) => /stuck/.test(l))).toBe(true);
    expectEachOnce(run, ids);
    expect(run.failed).toEqual([]);
  });

  it('rescans when the scan result has expired (404)', async () => {
    const { sim, client, ids, requests } = await setup(40);
    sim.faults.script({ kind: 'result-expired' });
    const run = await scan(client, ids, { workspacesPerScan: 20 });
    sim.faults.assertAllConsumed();
    expect(requests('getInfo')).toBe(3);
    expect(requests('scanResult')).toBe(3);
    expectEachOnce(run, ids);
  });

  it('downloads a truncated scan result again without yielding anything twice', async () => {
    const { sim, client, ids, requests } = await setup(40);
    sim.faults.script({ kind: 'malformed', endpoint: 'scanResult' });
    sim.faults.script({ kind: 'reset', endpoint: 'scanResult' });
    const run = await scan(client, ids, { workspacesPerScan: 20, maxScansInFlight: 1 });
    sim.faults.assertAllConsumed();
    expect(requests('getInfo')).toBe(2);
    expect(requests('scanResult')).toBe(4);
    expectEachOnce(run, ids);
    expect(run.workspaces).toHaveLength(40);
  });

  it('survives 429 with Retry-After, 5xx on getInfo (counted) and resets while polling', async () => {
    const { sim, client, ids, waits, requests } = await setup(60);
    sim.faults.script({ kind: '429', endpoint: 'getInfo', retryAfterSeconds: 1 });
    sim.faults.script({ kind: '503', endpoint: 'getInfo', skip: 1 });
    sim.faults.script({ kind: 'reset', endpoint: 'scanStatus', times: 2 });
    sim.faults.script({ kind: '429-no-retry-after', endpoint: 'scanResult' });
    const run = await scan(client, ids, { workspacesPerScan: 20 });
    sim.faults.assertAllConsumed();
    expectEachOnce(run, ids);
    expect(run.workspaces).toHaveLength(60);
    expect(waits.some((w) => w.endpoint === 'getInfo' && w.reason === 'throttled')).toBe(true);
    expect(waits.some((w) => w.endpoint === 'scanResult' && w.reason === 'throttled')).toBe(true);
    expect(client.stats().repeatedPosts).toBe(1);
    // 3 batches + the throttled and the failed attempt
    expect(requests('getInfo')).toBe(5);
  });

  it('renews an access token that expires mid-scan', async () => {
    const { sim, client, ids } = await setup(40);
    sim.faults.script({ kind: 'token-expiry', endpoint: 'scanStatus', skip: 1 });
    const tokenRequestsBefore = sim.stats().tokenRequests;
    const run = await scan(client, ids, { workspacesPerScan: 20 });
    sim.faults.assertAllConsumed();
    expectEachOnce(run, ids);
    expect(client.stats().tokenRefreshes).toBeGreaterThanOrEqual(1);
    expect(sim.stats().tokenRequests).toBeGreaterThan(tokenRequestsBefore);
  });

  it('stops submitting and polling as soon as the consumer stops iterating', async () => {
    // A tenant of its own, whose 600 ms scans are polled while the consumer stops.
    const own = await startSimulator({ workspaces: 100, scanDurationMs: 600 });
    try {
      const { client, ids, requests } = await setup(100, { sim: own });
      let workspaces = 0;
      for await (const event of client.scanWorkspaces(ids, {
        ...SCAN,
        workspacesPerScan: 5,
        maxScansInFlight: 4,
      })) {
        if (event.kind === 'workspace') workspaces += 1;
        if (workspaces === 3) break;
      }
      // Requests already on the wire when it stopped still reach the simulator (late on a loaded
      // machine): wait until none has arrived for 300 ms (six poll intervals), then nothing more may.
      const counts = () => [requests('getInfo'), requests('scanStatus')].join(',');
      const quietSince = await settledCounts(counts, 300, 5000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(counts()).toBe(quietSince);
      expect(requests('getInfo')).toBeLessThan(20);
    } finally {
      await own.close();
    }
  });

  it('aborts every call and wait through the client signal', async () => {
    const controller = new AbortController();
    const { sim, client, ids } = await setup(40, { client: { signal: controller.signal } });
    sim.faults.script({ kind: '429', endpoint: 'getInfo', retryAfterSeconds: 20 });
    setTimeout(() => controller.abort(new Error('SIGTERM')), 300);
    await expect(scan(client, ids, { workspacesPerScan: 20 })).rejects.toThrow(/SIGTERM/);
  });

  it('stops cleanly with a transient_error carrying retryAfterMs when throttled beyond patience', async () => {
    const { sim, client, ids } = await setup(30, { client: { maxRetryWaitSeconds: 5 } });
    sim.faults.script({ kind: '429', endpoint: 'getInfo', retryAfterSeconds: 3600, skip: 1 });
    const run: ScanEvent[] = [];
    const before = Date.now();
    const error = await (async () => {
      for await (const event of client.scanWorkspaces(ids, {
        ...SCAN,
        workspacesPerScan: 10,
        maxScansInFlight: 1,
      }))
        run.push(event);
    })().catch((e: unknown) => e);
    sim.faults.assertAllConsumed();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('transient_error');
    expect((error as ConnectorError).httpStatus).toBe(429);
    const retryAfterMs = (error as ConnectorError).retryAfterMs ?? 0;
    expect(retryAfterMs).toBeGreaterThanOrEqual(before + 3_600_000);
    // The batch that completed before the throttle stays complete.
    expect(run.filter((e) => e.kind === 'batch-complete')).toHaveLength(1);
  });
});
