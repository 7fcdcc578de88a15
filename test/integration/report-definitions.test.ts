/**
 * The Fabric getDefinition client (long-running operation) against the simulator over real HTTPS,
 * with real msal-node tokens for the Fabric scope: answers at once or through polls, honours
 * Retry-After, ends failed and stuck operations, rides out 429s, refuses without a role, and the
 * parts it returns parse into the report's ground truth.
 */
import { MsalTokenProvider } from '../../src/auth/msal-token-provider.js';
import type { AuthSettings } from '../../src/auth/settings.js';
import { ConnectorError } from '../../src/errors.js';
import { createPowerBiClient, type PowerBiClient } from '../../src/powerbi/client.js';
import type { DefinitionOutcome } from '../../src/powerbi/report-definitions.js';
import { parseDefinition } from '../../src/streams/report-definition-parser.js';
import { startSimulator, type CredentialKind, type Simulator } from '../../simulator/index.js';
import type { ReportDefinitionTruth } from '../../simulator/tenant/report-definitions.js';

const FABRIC_SCOPE = 'https://api.fabric.microsoft.com/.default';

let sim: Simulator;
const clients: PowerBiClient[] = [];
const tokensSeen = new Set<string>();
const logs: string[] = [];
const errors: string[] = [];

interface Sample {
  workspaceId: string;
  reportId: string;
  truth: ReportDefinitionTruth;
}

/** Power BI reports of shared workspaces that have a definition, in tenant order. */
function samples(): Sample[] {
  const found: Sample[] = [];
  for (const ws of sim.tenant.listWorkspaces()) {
    if (ws.isPersonal || ws.state !== 'Active') continue;
    for (const report of sim.tenant.workspace(ws.id)?.reports ?? []) {
      const truth = sim.fabric.truth(ws.id, report.id);
      if (truth && !sim.fabric.isEncrypted(report))
        found.push({ workspaceId: ws.id, reportId: report.id, truth });
    }
  }
  return found;
}

function makeClient(kind: CredentialKind = 'service_principal_secret'): PowerBiClient {
  const msal = new MsalTokenProvider({
    settings: sim.configFor(kind) as unknown as AuthSettings,
    secrets: { register: (secret) => void (secret && tokensSeen.add(secret)) },
  });
  const fabricTokens = msal.forScope(FABRIC_SCOPE);
  const client = createPowerBiClient({
    apiBaseUrl: `${sim.url}/v1.0/myorg`,
    tokenProvider: msal,
    fabric: {
      apiBaseUrl: `${sim.url}/v1`,
      tokenProvider: {
        getAccessToken: async (options) => {
          const token = await fabricTokens.getAccessToken(options);
          tokensSeen.add(token);
          return token;
        },
      },
    },
    caCertificate: sim.caCertificate,
    maxRetryWaitSeconds: 30,
    requestTimeoutMs: 5_000,
    retry: { baseDelayMs: 20, maxDelayMs: 200, throttleBaseDelayMs: 50 },
    log: (level, message) => logs.push(`${level}: ${message}`),
  });
  clients.push(client);
  return client;
}

async function refusal(promise: Promise<unknown>): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  errors.push(`${(error as ConnectorError).message} ${(error as ConnectorError).internalMessage ?? ''}`);
  return error as ConnectorError;
}

function expectDefinition(outcome: DefinitionOutcome): Extract<DefinitionOutcome, { kind: 'definition' }> {
  expect(outcome.kind).toBe('definition');
  return outcome as Extract<DefinitionOutcome, { kind: 'definition' }>;
}

const fabricRequests = () => ({
  getDefinition: sim.stats().requests.fabricGetDefinition ?? 0,
  operation: sim.stats().requests.fabricOperation ?? 0,
});

beforeAll(async () => {
  sim = await startSimulator({ seed: 11, workspaces: 30, scanDurationMs: 0 });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await sim.close();
  const haystack = [...errors, ...logs].join('\n');
  for (const token of tokensSeen) expect(haystack).not.toContain(token);
});

afterEach(() => {
  sim.fabric.retryAfterSeconds = 0;
  sim.fabric.allowServicePrincipals = true;
  sim.fabric.viewerWorkspaces.clear();
  try {
    sim.faults.assertAllConsumed();
  } finally {
    sim.faults.clear();
  }
});

describe('getReportDefinition against the simulated Fabric API', () => {
  test('the tenant has reports answered at once and through a long-running operation, in both formats', () => {
    const all = samples();
    expect(all.some((s) => s.truth.immediate)).toBe(true);
    expect(all.some((s) => !s.truth.immediate && s.truth.runningPolls > 0)).toBe(true);
    expect(new Set(all.map((s) => s.truth.format))).toEqual(new Set(['pbir', 'pbir-legacy']));
  });

  test('a 200 answer is one call; a 202 answer is polled (one poll per Running state, then Succeeded) and its result fetched', async () => {
    const client = makeClient();
    const immediate = samples().find((s) => s.truth.immediate)!;
    const before = fabricRequests();
    expect(
      expectDefinition(
        await client.getReportDefinition(immediate.workspaceId, immediate.reportId, { maxWaitMs: 10_000 }),
      ).calls,
    ).toBe(1);
    expect(fabricRequests()).toEqual({
      getDefinition: before.getDefinition + 1,
      operation: before.operation,
    });

    const slow = samples().find((s) => !s.truth.immediate && s.truth.runningPolls === 2)!;
    const outcome = expectDefinition(
      await client.getReportDefinition(slow.workspaceId, slow.reportId, { maxWaitMs: 10_000 }),
    );
    // POST, three state polls (NotStarted, Running, Succeeded), the result.
    expect(outcome.calls).toBe(5);
    expect(fabricRequests().operation - before.operation).toBe(4);
    expect(sim.fabric.openOperations).toBe(0);
  });

  test('the parts parse into exactly the ground truth, whatever the format', async () => {
    const client = makeClient();
    for (const format of ['pbir', 'pbir-legacy'] as const) {
      const sample = samples().find(
        (s) => s.truth.format === format && s.truth.visuals.some((v) => v.fields.length > 0),
      )!;
      const { parts } = expectDefinition(
        await client.getReportDefinition(sample.workspaceId, sample.reportId, { maxWaitMs: 10_000 }),
      );
      const parsed = parseDefinition(parts);
      expect('format' in parsed && parsed.format).toBe(format);
      if (!('format' in parsed)) return;
      expect(parsed.problems).toEqual([]);
      expect(parsed.pages.map((p) => [p.name, p.displayName, p.order, p.hidden])).toEqual(
        sample.truth.pages.map((p) => [p.name, p.displayName, p.order, p.hidden]),
      );
      // PBIR has no order of visuals within a page (files in folders): compare sorted.
      const visuals = (
        list: { pageName: string; id: string; visualType: string | null; fields: unknown[] }[],
      ) => list.map((v) => [v.pageName, v.id, v.visualType, v.fields.length].join('|')).sort();
      expect(visuals(parsed.visuals)).toEqual(visuals(sample.truth.visuals));
      expect(parsed.datasetId).toBe(sample.truth.datasetId);
    }
  });

  test('the wait between polls is what Retry-After asks for, capped by the operation timeout', async () => {
    const client = makeClient();
    sim.fabric.retryAfterSeconds = 1;
    const slow = samples().find((s) => !s.truth.immediate && s.truth.runningPolls === 2)!;
    // The first wait (1 s) fits in 1.5 s, the second would not: timed out after one poll.
    const outcome = await client.getReportDefinition(slow.workspaceId, slow.reportId, { maxWaitMs: 1_500 });
    expect(outcome).toMatchObject({ kind: 'timed-out', calls: 2 });
  });

  test('a failed operation ends in kind failed with its error code; a stuck one times out', async () => {
    const client = makeClient();
    const sample = samples().find((s) => !s.truth.immediate)!;
    sim.faults.script({ kind: 'scan-failed', endpoint: 'fabricGetDefinition' });
    expect(
      await client.getReportDefinition(sample.workspaceId, sample.reportId, { maxWaitMs: 10_000 }),
    ).toMatchObject({
      kind: 'failed',
      code: 'OperationFailed',
    });
    sim.faults.script({ kind: 'scan-stuck', endpoint: 'fabricGetDefinition' });
    sim.fabric.retryAfterSeconds = 0;
    const stuck = await client.getReportDefinition(sample.workspaceId, sample.reportId, {
      maxWaitMs: 300,
      defaultPollMs: 50,
    });
    expect(stuck.kind).toBe('timed-out');
    expect(stuck.calls).toBeGreaterThan(2);
  });

  test('429 on getDefinition and on a poll: waited out through the retry policy, then the definition', async () => {
    const client = makeClient();
    const sample = samples().find((s) => !s.truth.immediate)!;
    sim.faults.script({ kind: '429', endpoint: 'fabricGetDefinition', retryAfterSeconds: 1 });
    sim.faults.script({ kind: '429', endpoint: 'fabricOperation', retryAfterSeconds: 1 });
    expectDefinition(
      await client.getReportDefinition(sample.workspaceId, sample.reportId, { maxWaitMs: 10_000 }),
    );
    expect(sim.stats().throttled).toEqual({});
    expect(logs.some((l) => /fabricGetDefinition: HTTP 429/.test(l))).toBe(true);
  });

  test('no role: 403 InsufficientPrivileges; the tenant setting off: 401; an encrypted label: 400 ItemHasProtectedLabel', async () => {
    const client = makeClient();
    const sample = samples()[0]!;
    sim.fabric.viewerWorkspaces.add(sample.workspaceId);
    expect(
      await refusal(client.getReportDefinition(sample.workspaceId, sample.reportId, { maxWaitMs: 5_000 })),
    ).toMatchObject({
      httpStatus: 403,
      vendorCode: 'InsufficientPrivileges',
    });
    sim.fabric.viewerWorkspaces.clear();
    sim.fabric.allowServicePrincipals = false;
    expect(
      await refusal(client.getReportDefinition(sample.workspaceId, sample.reportId, { maxWaitMs: 5_000 })),
    ).toMatchObject({
      httpStatus: 401,
      vendorCode: 'PrincipalTypeNotSupported',
    });
    sim.fabric.allowServicePrincipals = true;
    const encrypted = sim.tenant
      .listWorkspaces()
      .filter((w) => !w.isPersonal && w.state === 'Active')
      .flatMap((w) => (sim.tenant.workspace(w.id)?.reports ?? []).map((r) => ({ w, r })))
      .find(({ w, r }) => sim.fabric.isEncrypted(r) && sim.fabric.truth(w.id, r.id));
    expect(encrypted).toBeDefined();
    expect(
      await refusal(client.getReportDefinition(encrypted!.w.id, encrypted!.r.id, { maxWaitMs: 5_000 })),
    ).toMatchObject({
      httpStatus: 400,
      vendorCode: 'ItemHasProtectedLabel',
    });
  });

  test('a Power BI token is not accepted by the Fabric API (audience checked): the client asks for the Fabric scope', async () => {
    const msal = new MsalTokenProvider({
      settings: sim.configFor('service_principal_secret') as unknown as AuthSettings,
      secrets: { register: () => undefined },
    });
    const client = createPowerBiClient({
      apiBaseUrl: `${sim.url}/v1.0/myorg`,
      tokenProvider: msal,
      fabric: { apiBaseUrl: `${sim.url}/v1`, tokenProvider: msal },
      caCertificate: sim.caCertificate,
      maxRetryWaitSeconds: 5,
      requestTimeoutMs: 5_000,
    });
    clients.push(client);
    const sample = samples()[0]!;
    expect(
      await refusal(client.getReportDefinition(sample.workspaceId, sample.reportId, { maxWaitMs: 5_000 })),
    ).toMatchObject({
      httpStatus: 401,
    });
  });

  test('delegated sign-in (refresh token) gets Fabric tokens from the same rotating refresh token', async () => {
    const client = makeClient('oauth2_refresh_token');
    const sample = samples()[0]!;
    expectDefinition(
      await client.getReportDefinition(sample.workspaceId, sample.reportId, { maxWaitMs: 10_000 }),
    );
    expect(await client.listReportPages(sample.workspaceId, sample.reportId)).toHaveLength(
      sample.truth.pages.length,
    );
  });
});
