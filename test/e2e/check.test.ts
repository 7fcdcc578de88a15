import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { startSimulator, type CredentialKind, type Simulator } from '../../simulator/index.js';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

type Message = Record<string, unknown>;
type Config = { credentials: Record<string, string>; [key: string]: unknown };

interface CheckRun {
  code: number | null;
  stdout: string;
  stderr: string;
  messages: Message[];
  /** Simulator requests this run made, per endpoint ('token', 'modified', 'getInfo', ...). */
  calls: Record<string, number>;
  scansCreated: number;
}

const timings: string[] = [];

function callsBetween(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [key, value] of Object.entries(after))
    if (value > (before[key] ?? 0)) calls[key] = value - (before[key] ?? 0);
  return calls;
}

/** Runs `check` through the built CLI; every stdout line must be a valid Airbyte message. */
async function runCheck(sim: Simulator, name: string, config: unknown): Promise<CheckRun> {
  const inputs = await writeInputs({ config });
  const before = sim.stats();
  const started = Date.now();
  const result = await runCli(['check', '--config', inputs.config!]);
  const ms = Date.now() - started;
  const after = sim.stats();
  const calls = callsBetween(after.requests, before.requests);
  timings.push(`${name}: ${ms} ms, calls ${JSON.stringify(calls)}`);
  return {
    ...result,
    messages: expectProtocolLines(result.stdout),
    calls,
    scansCreated: after.scansCreated - before.scansCreated,
  };
}

function ofType(run: CheckRun, type: string): Message[] {
  return run.messages.filter((m) => m.type === type);
}

/** The one CONNECTION_STATUS check must print, and check exits 0 with it. */
function connectionStatus(run: CheckRun): { status: string; message: string } {
  const statuses = ofType(run, 'CONNECTION_STATUS');
  expect(statuses).toHaveLength(1);
  expect(run.code).toBe(0);
  return statuses[0]!.connectionStatus as { status: string; message: string };
}

function logs(run: CheckRun, level: string): string[] {
  return ofType(run, 'LOG')
    .map((m) => m.log as { level: string; message: string })
    .filter((l) => l.level === level)
    .map((l) => l.message);
}

function controlConfigs(run: CheckRun): Config[] {
  return ofType(run, 'CONTROL').map(
    (m) => (m.control as { connectorConfig: { config: Config } }).connectorConfig.config,
  );
}

/** The credential values spec.json marks airbyte_secret. */
function secretValues(config: Config): string[] {
  const { tenant_id, client_secret, refresh_token, private_key, certificate } = config.credentials;
  return [tenant_id, client_secret, refresh_token, private_key, certificate].filter(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
}

/** Access and id tokens are JWTs: base64url header and payload that both start with `{"`. */
const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+/;

/**
 * No secret and no token in stderr or in any stdout line, except that a CONTROL line carries the
 * values of the config it hands back to the platform (`allowedInControl`).
 */
function expectNoSecrets(run: CheckRun, secrets: string[], allowedInControl: string[] = []): void {
  const lines = run.stdout.split('\n').filter((line) => line.length > 0);
  const leaks: string[] = [];
  for (const secret of secrets) {
    const hint = `a secret starting ${secret.slice(0, 3)}`;
    if (run.stderr.includes(secret)) leaks.push(`stderr has ${hint}`);
    lines.forEach((line, index) => {
      const inControl = (JSON.parse(line) as Message).type === 'CONTROL' && allowedInControl.includes(secret);
      if (line.includes(secret) && !inControl) leaks.push(`stdout line ${index + 1} has ${hint}`);
    });
  }
  if (JWT.test(run.stdout)) leaks.push('stdout has a JWT');
  if (JWT.test(run.stderr)) leaks.push('stderr has a JWT');
  expect(leaks).toEqual([]);
}

const specSchema = (
  JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as { connectionSpecification: object }
).connectionSpecification;
const validateConfig = new Ajv({ strict: false, allErrors: true }).compile(specSchema);

const DETAILED_METADATA = 'Enhance admin APIs responses with detailed metadata';
const DAX_AND_MASHUP = 'Enhance admin APIs responses with DAX and mashup expressions';
const READ_ONLY_ADMIN = 'Allow service principals to use read-only admin APIs';

/** What the test scan must report, from the simulator's own view of the first workspaces listed. */
function expectedSample(sim: Simulator): { datasets: number; withTables: number } {
  const ids = sim.tenant.modifiedIds({ excludePersonal: true, excludeInactive: true }).slice(0, 20);
  const datasets = ids.flatMap((id) => sim.tenant.workspace(id)?.datasets ?? []);
  return {
    datasets: datasets.length,
    withTables: datasets.filter((d) => (d.tables ?? []).length > 0).length,
  };
}

describe('check through the built CLI against the simulator', () => {
  let sim: Simulator;

  const configOf = (kind: CredentialKind): Config => ({
    ...(sim.configFor(kind) as Config),
    scan: { poll_interval_seconds: 0.05 },
  });

  beforeAll(async () => {
    // More workspaces than the 20 of check's sample; a short scan, polled often.
    sim = await startSimulator({ seed: 7, workspaces: 40, scanDurationMs: 30 });
  });

  afterAll(async () => {
    await sim.close();
    console.log(`check timings (wall clock, printed only):\n${timings.join('\n')}`);
  });

  test.each(['service_principal_secret', 'service_principal_certificate', 'oauth2_refresh_token'] as const)(
    '%s: SUCCEEDED after one getInfo call on a sample of workspaces, counts as in the tenant',
    async (kind) => {
      const config = configOf(kind);
      const run = await runCheck(sim, `succeeds ${kind}`, config);
      const status = connectionStatus(run);
      expect(status.status).toBe('SUCCEEDED');
      const expected = expectedSample(sim);
      expect(expected.withTables).toBeGreaterThan(0);
      expect(status.message).toContain(
        `${expected.datasets} semantic model(s), ${expected.withTables} with tables`,
      );
      expect(status.message).toContain(config.credentials.client_id);
      expect(logs(run, 'WARN')).toEqual([]);
      expect(run.calls).toMatchObject({ modified: 1, getInfo: 1, scanResult: 1 });
      expect(run.calls.groups).toBeUndefined();
      expect(run.scansCreated).toBe(1);
      expect(run.stderr).toMatch(/check 5\/5: test scan of 20 workspace\(s\)/);
      const controls = controlConfigs(run);
      expect(controls).toHaveLength(kind === 'oauth2_refresh_token' ? 1 : 0);
      const rotated = controls[0]?.credentials.refresh_token;
      const stillValid = secretValues(config).filter((s) => s !== config.credentials.refresh_token);
      expectNoSecrets(
        run,
        [...secretValues(config), ...(rotated ? [rotated] : [])],
        [...stillValid, ...(rotated ? [rotated] : [])],
      );
    },
  );

  test('invalid config: FAILED with the config message, before any network call', async () => {
    const config = configOf('service_principal_secret');
    const { client_secret: secret, ...withoutSecret } = config.credentials;
    const run = await runCheck(sim, 'invalid config', { ...config, credentials: withoutSecret });
    const status = connectionStatus(run);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/client_secret/);
    expect(run.calls).toEqual({});
    expectNoSecrets(run, [secret!, config.credentials.tenant_id!]);
  });

  test('wrong client secret: FAILED naming client_secret and AADSTS7000215; Power BI is not called', async () => {
    const config = configOf('service_principal_secret');
    const wrong = `Wr0ng~${randomBytes(18).toString('base64url')}`;
    config.credentials.client_secret = wrong;
    const run = await runCheck(sim, 'wrong secret', config);
    const status = connectionStatus(run);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('(AADSTS7000215)');
    expect(status.message).toMatch(/credentials\.client_secret is the secret VALUE/);
    expect(run.calls.modified).toBeUndefined();
    expectNoSecrets(run, [wrong, config.credentials.tenant_id!]);
  });

  test('unknown tenant: FAILED with AADSTS90002 naming tenant_id and the cloud setting', async () => {
    const config = configOf('service_principal_secret');
    config.credentials.tenant_id = randomUUID();
    const run = await runCheck(sim, 'unknown tenant', config);
    const status = connectionStatus(run);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('(AADSTS90002)');
    expect(status.message).toMatch(/was not found\. Check credentials\.tenant_id .*cloud setting/);
    expect(run.calls.modified).toBeUndefined();
    expectNoSecrets(run, secretValues(config));
  });

  test('service principal outside the allowed security group: FAILED naming the tenant setting and the group; no scan', async () => {
    const config = configOf('not_allowed_secret');
    const run = await runCheck(sim, 'SP not allowed', config);
    const status = connectionStatus(run);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain(READ_ONLY_ADMIN);
    expect(status.message).toContain('security group');
    expect(status.message).toContain('PowerBINotAuthorizedException');
    expect(run.calls.getInfo).toBeUndefined();
    expect(run.stderr).toMatch(/check 2\/5/);
    expect(run.stderr).not.toMatch(/check 4\/5/);
    expectNoSecrets(run, secretValues(config));
  });

  test('read-only admin APIs switched off for the tenant: FAILED naming the setting', async () => {
    sim.settings.allowServicePrincipalsReadOnlyAdminApis = false;
    try {
      const config = configOf('service_principal_secret');
      const run = await runCheck(sim, 'admin APIs off', config);
      const status = connectionStatus(run);
      expect(status.status).toBe('FAILED');
      expect(status.message).toContain(READ_ONLY_ADMIN);
      expect(run.scansCreated).toBe(0);
      expectNoSecrets(run, secretValues(config));
    } finally {
      sim.settings.allowServicePrincipalsReadOnlyAdminApis = true;
    }
  });

  test('detailed metadata off: SUCCEEDED with a WARN naming the setting and the streams left empty', async () => {
    sim.settings.enhancedMetadata = false;
    try {
      const config = configOf('service_principal_secret');
      const run = await runCheck(sim, 'detailed metadata off', config);
      const status = connectionStatus(run);
      expect(status.status).toBe('SUCCEEDED');
      expect(status.message).toContain(`"${DETAILED_METADATA}" appears to be off`);
      const warnings = logs(run, 'WARN');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(DETAILED_METADATA);
      expect(warnings[0]).toContain('the tables, columns and measures streams will be empty');
      expect(warnings[0]).toContain('Tenant settings > Admin API settings');
      expect(warnings[0]).toContain(`${expectedSample(sim).datasets} semantic model(s)`);
      expect(run.calls.getInfo).toBe(1);
      expectNoSecrets(run, secretValues(config));
    } finally {
      sim.settings.enhancedMetadata = true;
    }
  });

  test('DAX and mashup expressions off: SUCCEEDED with a WARN naming the setting, expressions and lineage', async () => {
    sim.settings.daxAndMashup = false;
    try {
      const config = configOf('service_principal_secret');
      const run = await runCheck(sim, 'expressions off', config);
      const status = connectionStatus(run);
      expect(status.status).toBe('SUCCEEDED');
      expect(status.message).toContain(`"${DAX_AND_MASHUP}" appears to be off`);
      expect(status.message).not.toContain(DETAILED_METADATA);
      const warnings = logs(run, 'WARN');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(DAX_AND_MASHUP);
      expect(warnings[0]).toMatch(/measures and calculated columns will have no DAX expression/);
      expect(warnings[0]).toMatch(/lineage stream will have no edges from tables to warehouse/);
      expect(warnings[0]).toContain(`The tables of ${expectedSample(sim).withTables} semantic model(s)`);
      expect(run.calls.getInfo).toBe(1);
      expectNoSecrets(run, secretValues(config));
    } finally {
      sim.settings.daxAndMashup = true;
    }
  });

  test('refresh token rotation: one CONTROL with the whole config and the new token, which alone works afterwards', async () => {
    const config = configOf('oauth2_refresh_token');
    const oldToken = config.credentials.refresh_token!;
    const run = await runCheck(sim, 'rotation', config);
    expect(connectionStatus(run).status).toBe('SUCCEEDED');
    const controls = controlConfigs(run);
    expect(controls).toHaveLength(1);
    const newToken = controls[0]!.credentials.refresh_token!;
    expect(newToken).not.toBe(oldToken);
    expect(newToken.length).toBeGreaterThan(20);
    expect(controls[0]).toEqual({
      ...config,
      credentials: { ...config.credentials, refresh_token: newToken },
    });
    expect(validateConfig(controls[0])).toBe(true);
    // The new token is in the CONTROL line only; the old one nowhere.
    const linesWithNew = run.stdout.split('\n').filter((line) => line.includes(newToken));
    expect(linesWithNew).toHaveLength(1);
    expect((JSON.parse(linesWithNew[0]!) as Message).type).toBe('CONTROL');
    expect(run.stderr).not.toContain(newToken);
    expect(run.stdout).not.toContain(oldToken);
    expect(run.stderr).not.toContain(oldToken);
    expectNoSecrets(
      run,
      [...secretValues(config), newToken],
      [config.credentials.tenant_id!, config.credentials.client_secret!, newToken],
    );

    // The platform persists CONTROL's config: it works, and the old config no longer does.
    const next = await runCheck(sim, 'rotation: persisted config', controls[0]);
    expect(connectionStatus(next).status).toBe('SUCCEEDED');
    expect(controlConfigs(next)).toHaveLength(1);
    const stale = await runCheck(sim, 'rotation: stale config', config);
    const status = connectionStatus(stale);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/^The refresh token is expired, revoked or not valid/);
    expect(status.message).toContain('(AADSTS70008)');
    expect(controlConfigs(stale)).toHaveLength(0);
  });

  test('revoked refresh token: FAILED telling to re-authorize (AADSTS50173), no CONTROL', async () => {
    const config = configOf('oauth2_refresh_token');
    sim.entra.revokeRefreshTokens();
    const run = await runCheck(sim, 'revoked refresh token', config);
    const status = connectionStatus(run);
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('Re-authorize the connection');
    expect(status.message).toContain('(AADSTS50173)');
    expect(ofType(run, 'CONTROL')).toHaveLength(0);
    expect(run.calls.modified).toBeUndefined();
    expectNoSecrets(run, secretValues(config));
  });

  // No network: check still answers (FAILED, exit 0) and says what it could not reach; a TRACE with
  // a non-zero exit would make the platform report a crashed check instead of a failed connection.
  test('Entra unreachable (closed port): FAILED naming Microsoft Entra ID and the host, exit 0, no Power BI call', async () => {
    const config = {
      ...configOf('service_principal_secret'),
      authority_host_override: 'https://127.0.0.1:1',
    };
    const run = await runCheck(sim, 'Entra unreachable', config);
    const status = connectionStatus(run);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/^Could not reach Microsoft Entra ID at 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
    expect(ofType(run, 'TRACE')).toEqual([]);
    expect(run.calls).toEqual({});
    expectNoSecrets(run, secretValues(config));
  });

  test('Power BI API unreachable (closed port): FAILED naming the Power BI API and the host, after a valid token', async () => {
    const config = {
      ...configOf('service_principal_secret'),
      api_base_url_override: 'https://127.0.0.1:1/v1.0/myorg',
    };
    const run = await runCheck(sim, 'Power BI unreachable', config);
    const status = connectionStatus(run);
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/^Could not reach the Power BI API at 127\.0\.0\.1:1 \(ECONNREFUSED/);
    expect(ofType(run, 'TRACE')).toEqual([]);
    expect(run.calls.token).toBe(1);
    expectNoSecrets(run, secretValues(config));
  });
});

describe('check with a refresh token unused for more than 90 days', () => {
  test('FAILED with AADSTS700082 telling to re-authorize', async () => {
    const sim = await startSimulator({ seed: 8, workspaces: 5, scanDurationMs: 0 });
    try {
      const config = sim.configFor('oauth2_refresh_token') as Config;
      sim.advanceClock(91 * 24 * 3600 * 1000);
      const run = await runCheck(sim, 'expired refresh token', config);
      const status = connectionStatus(run);
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(/^The refresh token is expired, revoked or not valid/);
      expect(status.message).toContain('(AADSTS700082)');
      expect(ofType(run, 'CONTROL')).toHaveLength(0);
      expectNoSecrets(run, secretValues(config));
    } finally {
      await sim.close();
    }
  });
});
