/**
 * The transport's deadlines and limits against the simulator's hostile faults, over real HTTPS on
 * loopback (no mocked HTTP): drip, huge and deep bodies, junk Retry-After, long error messages, and
 * a scan result that drips or carries an oversized workspace.
 */
import type { Readable } from 'node:stream';
import { createHttpTransport, type HttpOptions } from '../../../src/powerbi/http.js';
import { createPowerBiClient } from '../../../src/powerbi/client.js';
import type { ScanEvent } from '../../../src/powerbi/scan-events.js';
import { issueCertificate } from '../../../simulator/entra/x509.js';
import { startSimulator, type Simulator } from '../../../simulator/index.js';
import { ConnectorError } from '../../../src/errors.js';
import { appToken } from '../../simulator/helpers/client.js';

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ workspaces: 100, seed: 5, scanDurationMs: 0 });
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

function transport(options: Partial<HttpOptions> = {}) {
  return createHttpTransport({
    apiBaseUrl: `${sim.url}/v1.0/myorg`,
    caCertificate: sim.caCertificate,
    requestTimeoutMs: 2_000,
    ...options,
  });
}

const modified = { method: 'GET', path: 'admin/workspaces/modified' } as const;

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
}

async function succeededScanId(): Promise<string> {
  const t = transport();
  try {
    const ids = sim.tenant.listWorkspaces().map((w) => w.id);
    const posted = await t.sendJson(
      { method: 'POST', path: 'admin/workspaces/getInfo', body: { workspaces: ids } },
      token,
    );
    if (!posted.ok) throw new Error(JSON.stringify(posted.failure));
    return (posted.data as { id: string }).id;
  } finally {
    t.close();
  }
}

async function drain(stream: Readable): Promise<number> {
  let size = 0;
  for await (const chunk of stream) size += (chunk as Buffer).length;
  return size;
}

describe('JSON calls', () => {
  it('a dripping answer ends at the total deadline as ETIMEDOUT, though it is never idle', async () => {
    sim.faults.script({ kind: 'drip', endpoint: 'modified', dripBytes: 2, dripIntervalMs: 50 });
    const t = transport({ requestTimeoutMs: 1_000, deadlines: { jsonMs: 1_500 } });
    const { result, ms } = await timed(() => t.sendJson(modified, token));
    t.close();
    expect(result).toEqual({
      ok: false,
      failure: { kind: 'network', code: 'ETIMEDOUT', detail: 'no complete answer within 1500 ms' },
    });
    expect(ms).toBeGreaterThanOrEqual(1_400);
    expect(ms).toBeLessThan(10_000);
  });

  it('the JSON deadline defaults to the request timeout', async () => {
    sim.faults.script({ kind: 'drip', endpoint: 'modified', dripBytes: 2, dripIntervalMs: 50 });
    const t = transport({ requestTimeoutMs: 1_000 });
    const { result } = await timed(() => t.sendJson(modified, token));
    t.close();
    expect(result).toMatchObject({ ok: false, failure: { code: 'ETIMEDOUT', detail: /within 1000 ms/ } });
  });

  it('a body over the size limit is not read further: over-limit', async () => {
    sim.faults.script({ kind: 'huge-body', endpoint: 'modified', sizeBytes: 8 * 1024 * 1024 });
    const t = transport({ bodyLimits: { jsonBodyBytes: 1024 * 1024 } });
    const { result } = await timed(() => t.sendJson(modified, token));
    t.close();
    expect(result).toEqual({
      ok: false,
      failure: {
        kind: 'over-limit',
        status: 200,
        detail: 'a JSON body larger than 1 MiB',
        requestId: expect.any(String) as string,
      },
    });
    expect(sim.stats().statuses['200']).toBeGreaterThan(0);
  });

  it('a body nested deeper than the limit is not parsed: over-limit', async () => {
    sim.faults.script({ kind: 'deep-body', endpoint: 'modified', depth: 100_000 });
    const t = transport();
    const result = await t.sendJson(modified, token);
    t.close();
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'over-limit', detail: 'JSON nested deeper than 64 levels' },
    });
  });

  it.each(['-5', 'garbage', '99999999', 'Sun, 06 Nov 1994 08:49:37 PST'])(
    'a 429 with Retry-After %j reports the header as ignored',
    async (value) => {
      sim.faults.script({ kind: '429', endpoint: 'modified', retryAfter: value });
      const t = transport();
      const result = await t.sendJson(modified, token);
      t.close();
      expect(result).toMatchObject({
        ok: false,
        failure: { kind: 'http', status: 429, retryAfterIgnored: { value } },
      });
      expect(result.ok ? {} : result.failure).not.toHaveProperty('retryAfterMs');
    },
  );

  it('a long server error message is cut to 300 characters', async () => {
    const t = transport();
    const result = await t.sendJson(
      { method: 'POST', path: 'admin/workspaces/getInfo', body: { workspaces: ['x'.repeat(20_000)] } },
      token,
    );
    t.close();
    expect(result.ok).toBe(false);
    const failure = result.ok ? undefined : result.failure;
    expect(failure).toMatchObject({ kind: 'http', status: 400, vendorCode: 'InvalidRequest' });
    const message = failure?.kind === 'http' ? (failure.vendorMessage ?? '') : '';
    expect(message).toMatch(/^Invalid workspace id 'xxx/);
    expect(message.length).toBeLessThanOrEqual(300);
  });
});

describe('streamed scan results', () => {
  it('a dripping result fails at the stream deadline, and a consumer holding it back is not timed', async () => {
    const scanId = await succeededScanId();
    const request = { method: 'GET', path: `admin/workspaces/scanResult/${scanId}` } as const;
    sim.faults.script({ kind: 'drip', endpoint: 'scanResult', dripBytes: 8, dripIntervalMs: 50 });
    const t = transport({ requestTimeoutMs: 1_000, deadlines: { streamMs: 1_000 } });
    const dripping = await t.sendStream(request, token);
    if (!dripping.ok) throw new Error(JSON.stringify(dripping.failure));
    const started = Date.now();
    await expect(drain(dripping.data)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(Date.now() - started).toBeLessThan(10_000);

    // The same deadline, a normal server and a consumer that waits 1.5 deadlines before reading: complete.
    const normal = await t.sendStream(request, token);
    if (!normal.ok) throw new Error(JSON.stringify(normal.failure));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await drain(normal.data)).toBeGreaterThan(128 * 1024); // far more than the stream buffers hold
    t.close();
  });

  it('the scanner downloads a dripping result again, and fails only an oversized workspace', async () => {
    const client = createPowerBiClient({
      apiBaseUrl: `${sim.url}/v1.0/myorg`,
      tokenProvider: { getAccessToken: () => Promise.resolve(token) },
      caCertificate: sim.caCertificate,
      maxRetryWaitSeconds: 30,
      requestTimeoutMs: 1_000,
      deadlines: { streamMs: 1_500 },
      scanResultLimits: { stringChars: 1024 * 1024 },
    });
    const ids = sim.tenant.listWorkspaces().map((w) => w.id);
    const firedBefore = sim.stats().faultsFired;
    sim.faults.script({ kind: 'drip', endpoint: 'scanResult', dripBytes: 8, dripIntervalMs: 50 });
    sim.faults.script({ kind: 'huge-string-workspace', sizeBytes: 3 * 1024 * 1024 });
    const events: ScanEvent[] = [];
    const options = {
      lineage: true,
      datasourceDetails: true,
      datasetSchema: true,
      datasetExpressions: true,
      getArtifactUsers: true,
      maxScansInFlight: 1,
      workspacesPerScan: 100,
      pollIntervalMs: 20,
      scanTimeoutMs: 60_000,
    };
    for await (const event of client.scanWorkspaces(ids, options)) events.push(event);
    client.close();
    const failed = events.filter((e) => e.kind === 'workspace-failed');
    const yielded = events.filter((e) => e.kind === 'workspace').map((e) => e.workspace.id);
    const complete = events.find((e) => e.kind === 'batch-complete');
    // The first workspace of the result carries the 3 MiB string.
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ workspaceId: ids[0] });
    expect(failed[0]!.kind === 'workspace-failed' && failed[0]!.error.message).toMatch(
      /a string longer than 1 Mi characters/,
    );
    expect(yielded.sort()).toEqual(ids.slice(1).sort());
    expect(complete).toMatchObject({ missingWorkspaceIds: [] });
    const fired = sim.stats().faultsFired;
    expect((fired.drip ?? 0) - (firedBefore.drip ?? 0)).toBe(1);
    expect(fired['huge-string-workspace']).toBe(1);
  });

  it('a second CA of the same name as the real one fails at once as a config_error naming the option', async () => {
    // TLS finds a certificate's issuer by name: the impostor, listed first, fails the signature check.
    const impostor = issueCertificate({
      commonName: 'source-powerbi simulator CA',
      isCa: true,
      validDays: 1,
    });
    const client = createPowerBiClient({
      apiBaseUrl: `${sim.url}/v1.0/myorg`,
      tokenProvider: { getAccessToken: () => Promise.resolve(token) },
      caCertificate: `${impostor.certificatePem}\n${sim.caCertificate}`,
      maxRetryWaitSeconds: 30,
      requestTimeoutMs: 2_000,
    });
    const modifiedBefore = sim.stats().requests.modified ?? 0;
    const error = await client
      .listModifiedWorkspaceIds({ excludePersonalWorkspaces: true, excludeInActiveWorkspaces: true })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const { retries } = client.stats();
    client.close();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    expect((error as ConnectorError).message).toMatch(/CERT_SIGNATURE_FAILURE[\s\S]*tls_ca_certificate/);
    // Not retried (it used to back off for ~30 s): the handshake never completed, so no request arrived.
    expect(retries).toBe(0);
    expect(sim.stats().requests.modified ?? 0).toBe(modifiedBefore);
  });
});
