/**
 * Hostile input end to end, through the built CLI as Airbyte runs it: huge and tiny secrets, an
 * uncaught error that quotes a secret, a catastrophic name pattern, escape sequences and megabytes
 * of text in a catalog and in a server's error body, and malformed config files. Every case must
 * end in bounded time with a classified outcome, and no secret may appear on stdout or stderr.
 * The cases of a block are separate CLI runs sharing only the simulator: they run concurrently.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { issueCertificate } from '../../simulator/entra/x509.js';
import { createTlsMaterial } from '../../simulator/tls.js';
import { catalogFor } from '../helpers/read-run.js';
import { messagesOf, runProbed, type ProbedRun } from '../helpers/process-probe.js';
import { findLeaks } from '../soak/harness.js';

jest.setTimeout(120_000);

const ESC = '\u001b';
const MAX_RSS_MB = 400;

type Message = Record<string, unknown>;

function bigSecret(size: number): string {
  let text = '';
  for (let i = 0; text.length < size; i += 1) text += `Q${i.toString(36)}~`;
  return text.slice(0, size);
}

function traceErrors(
  messages: Message[],
): { message: string; failure_type: string; internal_message?: string }[] {
  return messages
    .filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')
    .map((m) => (m.trace as { error: { message: string; failure_type: string } }).error);
}

function connectionStatus(messages: Message[]): { status: string; message?: string } | undefined {
  const found = messages.find((m) => m.type === 'CONNECTION_STATUS');
  return found?.connectionStatus as { status: string; message?: string } | undefined;
}

/** The common promise of every case: bounded, classified on stdout, nothing raw on stderr. */
function expectContained(run: ProbedRun, secrets: string[]): void {
  expect(findLeaks(run, secrets)).toEqual([]);
  expect(run.stderr).not.toMatch(/Invalid regular expression|^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(run.stderr).not.toContain(ESC);
  expect(run.wallMs).toBeLessThan(60_000);
  expect(run.peakRssMb).toBeLessThan(MAX_RSS_MB);
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ workspaces: 12, scanDurationMs: 0, seed: 7 });
});
afterAll(async () => {
  await sim.close();
});

function configText(
  overrides: Record<string, unknown> = {},
  credentials: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    ...sim.config,
    ...overrides,
    credentials: { ...sim.config.credentials, ...credentials },
  });
}

describe('huge secrets never leak, whatever their size', () => {
  test.concurrent(
    'check with an 8 KB client_secret sends it, and the refusal is a FAILED status',
    async () => {
      const secret = bigSecret(8 * 1024);
      const run = await runProbed(['check', '--config', '@config.json'], {
        files: { 'config.json': configText({}, { client_secret: secret }) },
      });
      expect(run.code).toBe(0);
      expect(connectionStatus(messagesOf(run.stdout))).toMatchObject({ status: 'FAILED' });
      expect(connectionStatus(messagesOf(run.stdout))?.message).toMatch(/AADSTS7000215|client secret/i);
      expectContained(run, [secret]);
    },
  );

  test.concurrent.each([
    ['client_secret', 'credentials.client_secret is longer than 8192 characters'],
    ['tenant_id', 'credentials.tenant_id'],
  ])('a 10 MB %s is refused naming the field, without echoing it', async (field, expected) => {
    const value = bigSecret(10 * 1024 * 1024);
    const run = await runProbed(['check', '--config', '@config.json'], {
      files: { 'config.json': configText({}, { [field]: value }) },
    });
    expect(run.code).toBe(0);
    expect(connectionStatus(messagesOf(run.stdout))?.message).toContain(expected);
    expectContained(run, [value, sim.config.credentials.client_secret!]);
  });

  test.concurrent('a 40 KB certificate chain and its private key: no line of either appears', async () => {
    const cert = sim.configFor('service_principal_certificate');
    const chain = `${cert.credentials.certificate!}${createTlsMaterial().ca}`.repeat(18);
    expect(chain.length).toBeGreaterThan(40_000);
    const run = await runProbed(['check', '--config', '@config.json'], {
      files: {
        'config.json': JSON.stringify({ ...cert, credentials: { ...cert.credentials, certificate: chain } }),
      },
    });
    expect(run.code).toBe(0);
    expect(connectionStatus(messagesOf(run.stdout))).toBeDefined();
    expectContained(run, [chain, cert.credentials.private_key!]);
  });

  test.concurrent('a 1-character secret is refused by validation and never masks inside words', async () => {
    const run = await runProbed(['check', '--config', '@config.json'], {
      files: { 'config.json': configText({}, { client_secret: 'x' }) },
    });
    const status = connectionStatus(messagesOf(run.stdout));
    expect(status?.message).toContain('credentials.client_secret is shorter than 8 characters');
    expect(run.stdout).not.toContain('**********');
  });
});

describe('an error nothing caught', () => {
  /** Makes the first TLS connection (after the config is read) raise an uncaught error quoting the secret. */
  const preload = (how: 'throw' | 'reject') => `
import tls from 'node:tls';
const connect = tls.connect;
tls.connect = function (...args) {
  tls.connect = connect;
  const error = new Error('boom: the secret is ' + process.env.HOSTILE_SECRET);
  setImmediate(() => { ${how === 'throw' ? 'throw error;' : 'Promise.reject(error);'} });
  return connect.apply(this, args);
};`;

  test.concurrent.each(['throw', 'reject'] as const)(
    'an uncaught %s becomes a redacted system_error TRACE and exit 1',
    async (how) => {
      const secret = sim.config.credentials.client_secret!;
      const run = await runProbed(['read', '--config', '@config.json', '--catalog', '@catalog.json'], {
        files: {
          'config.json': configText(),
          'catalog.json': JSON.stringify(catalogFor('full_refresh', ['workspaces'])),
        },
        preload: preload(how),
        env: { HOSTILE_SECRET: secret },
      });
      expect(run.code).toBe(1);
      const errors = traceErrors(messagesOf(run.stdout));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ failure_type: 'system_error' });
      expect(errors[0]!.internal_message).toContain('boom: the secret is **********');
      expect(run.stderr).toContain('system_error');
      expectContained(run, [secret]);
    },
  );
});

describe('workspace name patterns', () => {
  test('a catastrophic exclude pattern cannot stall a read', async () => {
    const run = await runProbed(['read', '--config', '@config.json', '--catalog', '@catalog.json'], {
      files: {
        'config.json': configText({
          workspaces: { exclude_name_patterns: ['^(\\w+\\s?)*$', '^(a|aa)+$'] },
        }),
        'catalog.json': JSON.stringify(catalogFor('full_refresh', ['workspaces'])),
      },
    });
    expect(run.code).toBe(0);
    const names = messagesOf(run.stdout)
      .filter((m) => m.type === 'RECORD')
      .map((m) => (m.record as { data: { name: string } }).data.name);
    expect(names.length).toBeGreaterThan(0);
    // Excluded names are exactly those RE2 and JavaScript agree match (checked here on short names only).
    for (const name of names) expect(/^(a|aa)+$/i.test(name)).toBe(false);
    expectContained(run, [sim.config.credentials.client_secret!]);
  });
});

describe('text from outside is bounded and escaped', () => {
  test('a catalog stream name with escape sequences or 10 MB of text gives a short config_error', async () => {
    const names = [`${ESC}]0;pwned${'\u0007'}${ESC}[2J`, 'n'.repeat(10 * 1024 * 1024)];
    const runs = await Promise.all(
      names.map((name) => {
        const catalog = catalogFor('full_refresh', ['workspaces']) as {
          streams: { stream: { name: string } }[];
        };
        catalog.streams[0]!.stream.name = name;
        return runProbed(['read', '--config', '@config.json', '--catalog', '@catalog.json'], {
          files: { 'config.json': configText(), 'catalog.json': JSON.stringify(catalog) },
        });
      }),
    );
    for (const run of runs) {
      expect(run.code).toBe(1);
      const [error] = traceErrors(messagesOf(run.stdout));
      expect(error).toMatchObject({ failure_type: 'config_error' });
      expect(error!.message).toContain('unknown stream');
      expect(error!.message.length).toBeLessThan(2_100);
      expect(run.stdout.length).toBeLessThan(20_000);
      expectContained(run, [sim.config.credentials.client_secret!]);
    }
  });

  describe('a server whose error body carries escape sequences and 20 MB of text', () => {
    let server: Server;
    let apiUrl: string;
    let ca: string;
    let served = 0;
    beforeAll(async () => {
      // A CA of its own name: two CAs of one subject in tls_ca_certificate fail the handshake
      // (the issuer is looked up by name), and the read would never see this server's body.
      const authority = issueCertificate({ commonName: 'hostile error body CA', isCa: true, validDays: 1 });
      const leaf = issueCertificate({
        commonName: '127.0.0.1',
        issuer: authority,
        ipAddresses: ['127.0.0.1'],
        extendedKeyUsage: 'serverAuth',
        validDays: 1,
      });
      const tls = { key: leaf.privateKeyPem, cert: leaf.certificatePem };
      ca = authority.certificatePem;
      const body = JSON.stringify({
        error: {
          code: `${ESC}]0;owned${'\u0007'}BadRequest`,
          message: `${ESC}[2J${ESC}[31mred${'\u009b'}0m ${'A'.repeat(20 * 1024 * 1024)}`,
        },
      });
      server = createServer({ key: tls.key, cert: tls.cert }, (_request, response) => {
        served += 1;
        response.writeHead(400, { 'Content-Type': 'application/json' });
        response.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      apiUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0/myorg`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    test('read ends with a bounded, escaped TRACE and a clean stderr', async () => {
      const run = await runProbed(['read', '--config', '@config.json', '--catalog', '@catalog.json'], {
        files: {
          'config.json': configText({
            api_base_url_override: apiUrl,
            tls_ca_certificate: `${sim.caCertificate}\n${ca}`,
          }),
          'catalog.json': JSON.stringify(catalogFor('full_refresh', ['workspaces'])),
        },
      });
      expect(run.code).toBe(1);
      expect(served).toBeGreaterThan(0);
      const [error] = traceErrors(messagesOf(run.stdout));
      expect(error).toBeDefined();
      expect(error!.message).toContain('HTTP 400');
      expect(['system_error', 'config_error', 'transient_error']).toContain(error!.failure_type);
      expect(error!.message.length).toBeLessThan(2_100);
      expect(error!.message).not.toContain(ESC);
      expect(run.stdout.length).toBeLessThan(100_000);
      expect(run.stderr.length).toBeLessThan(5_000);
      expectContained(run, [sim.config.credentials.client_secret!]);
    });
  });
});

describe('malformed config files', () => {
  test.concurrent('a config with a UTF-8 byte order mark is accepted', async () => {
    const run = await runProbed(['check', '--config', '@config.json'], {
      files: { 'config.json': `\uFEFF${configText()}` },
    });
    expect(run.code).toBe(0);
    expect(connectionStatus(messagesOf(run.stdout))).toMatchObject({ status: 'SUCCEEDED' });
  });

  test.concurrent.each([
    [
      'nested 10,000 levels',
      () => `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      'nests more than 64 levels',
    ],
    [
      'an http:// API override',
      () => configText({ api_base_url_override: 'http://127.0.0.1:9/v1.0/myorg' }),
      'api_base_url_override must be a https://',
    ],
  ])('a config %s is a config_error naming what to fix', async (_label, text, expected) => {
    const run = await runProbed(['read', '--config', '@config.json', '--catalog', '@catalog.json'], {
      files: {
        'config.json': text(),
        'catalog.json': JSON.stringify(catalogFor('full_refresh', ['workspaces'])),
      },
    });
    expect(run.code).toBe(1);
    const [error] = traceErrors(messagesOf(run.stdout));
    expect(error).toMatchObject({ failure_type: 'config_error' });
    expect(error!.message).toContain(expected);
    expectContained(run, [sim.config.credentials.client_secret!]);
  });
});
