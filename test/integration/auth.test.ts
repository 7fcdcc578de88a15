import { createPrivateKey } from 'node:crypto';
import { createServer } from 'node:net';
import { ConnectorError } from '../../src/errors.js';
import { MsalTokenProvider, type MsalTokenProviderOptions } from '../../src/auth/msal-token-provider.js';
import type { AuthSettings, Credentials } from '../../src/auth/settings.js';
import { createClientCertificate } from '../../simulator/entra/certificates.js';
import { startEntraServer, type EntraServer } from '../../simulator/entra/standalone-server.js';
import { startEarly } from '../helpers/faults-early-start.js';

const TENANT_ID = '0e3c1b7a-5f2d-4c8e-9a6b-7d1f2e3a4b5c';
const TENANT_DOMAIN = 'fabrikam.onmicrosoft.com';
const SECRET_APP = '3f1a2b3c-4d5e-4f60-8172-839405a6b7c8';
const CERT_APP = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const PUBLIC_APP = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const SECRET = 'Xy7~Q.secret-VALUE_4tests';
const cert = createClientCertificate('CN=source-powerbi');
const stranger = createClientCertificate('CN=never-uploaded');

let clock = Date.now();
let server: EntraServer;
let renewedAcrossWait: ReturnType<typeof renewAcrossWait>;
let handedOutAfterExpiry: ReturnType<typeof tokenAfterExpiry>;
/** Every credential and token the tests handle, to prove none leaks into an error. */
const sensitive = new Set<string>([SECRET, cert.privateKeyPem, stranger.privateKeyPem]);
const failures: ConnectorError[] = [];

function collectingRegistry() {
  const registered = new Set<string>();
  return {
    registered,
    register(secret: string | undefined | null) {
      if (secret) registered.add(secret);
    },
  };
}

function provider(
  credentials: Credentials,
  extra: Partial<MsalTokenProviderOptions> = {},
  settings: Partial<AuthSettings> = {},
) {
  const secrets = collectingRegistry();
  const instance = new MsalTokenProvider({
    settings: {
      credentials,
      cloud: 'public',
      authority_host_override: server.origin,
      tls_ca_certificate: server.tls.ca,
      ...settings,
    },
    secrets,
    retryDelaysMs: [10],
    ...extra,
  });
  return { instance, secrets };
}

const secretCredentials = (overrides: Partial<Credentials> = {}) =>
  ({
    auth_type: 'service_principal_secret',
    tenant_id: TENANT_ID,
    client_id: SECRET_APP,
    client_secret: SECRET,
    ...overrides,
  }) as Credentials;

async function failureOf(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    failures.push(error as ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected the token request to fail');
}

function bearerOk(token: string) {
  const check = server.entra.verifyBearer(`Bearer ${token}`, server.origin);
  return check.ok ? check.claims : check.reason;
}

beforeAll(async () => {
  server = await startEntraServer({
    tenantId: TENANT_ID,
    tenantDomain: TENANT_DOMAIN,
    apps: [
      { clientId: SECRET_APP, displayName: 'pbi scanner', secret: SECRET, inAllowedSecurityGroup: true },
      {
        clientId: CERT_APP,
        displayName: 'pbi scanner cert',
        certificatePem: cert.certificatePem,
        inAllowedSecurityGroup: true,
      },
      {
        clientId: PUBLIC_APP,
        displayName: 'pbi public client',
        publicClient: true,
        inAllowedSecurityGroup: false,
      },
    ],
    now: () => clock,
  });
  // The two real-clock cases mostly wait: they start now, beside the other tests, on their own servers.
  renewedAcrossWait = startEarly(renewAcrossWait);
  handedOutAfterExpiry = startEarly(tokenAfterExpiry);
});

afterAll(async () => {
  await Promise.allSettled([renewedAcrossWait, handedOutAfterExpiry]);
  await server.close();
  // No error message or detail produced in this file carries a credential or token.
  expect(failures.length).toBeGreaterThan(8);
  for (const failure of failures) {
    for (const secret of sensitive) {
      expect(failure.message).not.toContain(secret);
      expect(failure.internalMessage ?? '').not.toContain(secret);
    }
  }
});

describe('service principal with client secret', () => {
  test('gets a Power BI token, serves it from the cache, registers secret and token', async () => {
    const { instance, secrets } = provider(secretCredentials());
    const before = server.entra.stats().tokenRequests;
    const token = await instance.getAccessToken();
    sensitive.add(token);
    expect(bearerOk(token)).toMatchObject({ appid: SECRET_APP, tid: TENANT_ID, idtyp: 'app' });
    expect(await instance.getAccessToken()).toBe(token);
    expect(server.entra.stats().tokenRequests).toBe(before + 1);
    expect(secrets.registered).toEqual(new Set([SECRET, token]));
  });

  test('tenant given as a verified domain works too', async () => {
    const { instance } = provider(secretCredentials({ tenant_id: TENANT_DOMAIN }));
    expect(bearerOk(await instance.getAccessToken())).toMatchObject({ tid: TENANT_ID });
  });

  test('forceRefresh after the API saw an expired token yields a new, valid one', async () => {
    const { instance } = provider(secretCredentials());
    const first = await instance.getAccessToken();
    server.entra.expireAccessTokens();
    expect(bearerOk(first)).toBe('expired');
    expect(await instance.getAccessToken()).toBe(first); // msal still trusts its cache...
    const renewed = await instance.getAccessToken({ forceRefresh: true }); // ...until the API client says otherwise
    expect(renewed).not.toBe(first);
    expect(bearerOk(renewed)).toMatchObject({ appid: SECRET_APP });
  });

  test('wrong secret: config_error AADSTS7000215 telling to use the secret VALUE', async () => {
    const wrong = 'not-the-secret-value-123';
    sensitive.add(wrong);
    const error = await failureOf(
      provider(secretCredentials({ client_secret: wrong })).instance.getAccessToken(),
    );
    expect(error).toMatchObject({
      failureType: 'config_error',
      vendorCode: 'AADSTS7000215',
      httpStatus: 401,
    });
    expect(error.message).toContain('credentials.client_secret is the secret VALUE, not its ID');
  });

  test('unknown tenant: config_error AADSTS90002 naming tenant_id and the cloud setting', async () => {
    const error = await failureOf(
      provider(secretCredentials({ tenant_id: 'fabrikam-typo.onmicrosoft.com' })).instance.getAccessToken(),
    );
    expect(error).toMatchObject({ failureType: 'config_error', vendorCode: 'AADSTS90002' });
    expect(error.message).toContain('Tenant fabrikam-typo.onmicrosoft.com was not found');
    expect(error.message).toContain('cloud setting');
  });

  test('unknown client: config_error AADSTS700016 naming client_id', async () => {
    const ghost = 'deadbeef-0000-4000-8000-000000000000';
    const error = await failureOf(
      provider(secretCredentials({ client_id: ghost })).instance.getAccessToken(),
    );
    expect(error).toMatchObject({ failureType: 'config_error', vendorCode: 'AADSTS700016' });
    expect(error.message).toContain(`App ${ghost} was not found in tenant ${TENANT_ID}`);
  });
});

describe('service principal with certificate', () => {
  const certCredentials = (overrides: Record<string, string | undefined>) =>
    ({
      auth_type: 'service_principal_certificate',
      tenant_id: TENANT_ID,
      client_id: CERT_APP,
      private_key: cert.privateKeyPem,
      ...overrides,
    }) as Credentials;
  const pkcs1 = createPrivateKey(cert.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
  sensitive.add(pkcs1);

  test.each([
    ['certificate PEM (SHA-256 thumbprint computed, PS256)', { certificate: cert.certificatePem }],
    ['SHA-256 thumbprint only', { thumbprint: cert.thumbprintSha256Hex.toUpperCase() }],
    ['SHA-1 thumbprint only (legacy RS256)', { thumbprint: cert.thumbprintSha1Hex }],
    [
      'PKCS#1 key with certificate appended in private_key',
      { private_key: `${pkcs1}\n${cert.certificatePem}` },
    ],
  ])('%s', async (_name, overrides: Record<string, string>) => {
    const { instance, secrets } = provider(certCredentials(overrides));
    const token = await instance.getAccessToken();
    sensitive.add(token);
    expect(bearerOk(token)).toMatchObject({ appid: CERT_APP, idtyp: 'app' });
    expect(secrets.registered).toContain(token);
    expect(secrets.registered).toContain(overrides['private_key'] ?? cert.privateKeyPem);
  });

  test('a certificate never uploaded to the app: config_error AADSTS700027 saying to upload it', async () => {
    const credentials = certCredentials({
      private_key: stranger.privateKeyPem,
      certificate: stranger.certificatePem,
    });
    const error = await failureOf(provider(credentials).instance.getAccessToken());
    expect(error).toMatchObject({ failureType: 'config_error', vendorCode: 'AADSTS700027' });
    expect(error.message).toContain('Upload the certificate');
  });

  test('a key that does not match the certificate is caught before calling Entra', async () => {
    const before = server.entra.stats().tokenRequests;
    const credentials = certCredentials({
      private_key: stranger.privateKeyPem,
      certificate: cert.certificatePem,
    });
    const error = await failureOf(provider(credentials).instance.getAccessToken());
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('credentials.private_key does not belong to credentials.certificate');
    expect(server.entra.stats().tokenRequests).toBe(before);
  });

  test('a malformed key or thumbprint is a config_error naming the field', async () => {
    const badKey = await failureOf(
      provider(
        certCredentials({ private_key: 'garbage', thumbprint: cert.thumbprintSha1Hex }),
      ).instance.getAccessToken(),
    );
    expect(badKey.message).toContain('credentials.private_key is not a readable private key');
    const badThumb = await failureOf(
      provider(certCredentials({ thumbprint: 'abc' })).instance.getAccessToken(),
    );
    expect(badThumb.message).toContain('credentials.thumbprint must be');
  });
});

describe('delegated refresh token', () => {
  const delegated = (refreshToken: string, clientSecret: string | null = SECRET, clientId = SECRET_APP) =>
    ({
      auth_type: 'oauth2_refresh_token',
      tenant_id: TENANT_ID,
      client_id: clientId,
      refresh_token: refreshToken,
      ...(clientSecret ? { client_secret: clientSecret } : {}),
    }) as Credentials;

  test('each use rotates the refresh token; the callback sees every new one before its access token is used', async () => {
    const seeded = server.entra.issueRefreshToken(SECRET_APP, 'admin@fabrikam.com');
    sensitive.add(seeded);
    const events: string[] = [];
    const rotated: string[] = [];
    const { instance, secrets } = provider(delegated(seeded), {
      onRefreshTokenRotated: (token) => {
        rotated.push(token);
        events.push('rotated');
        sensitive.add(token);
        expect(secrets.registered).toContain(token); // registered before anyone can see it
      },
    });
    const first = await instance.getAccessToken();
    events.push('token');
    expect(bearerOk(first)).toMatchObject({
      idtyp: 'user',
      appid: SECRET_APP,
      scp: 'Tenant.Read.All Workspace.Read.All',
    });
    expect(await instance.getAccessToken()).toBe(first); // cached, no rotation
    events.push('token');
    const second = await instance.getAccessToken({ forceRefresh: true });
    events.push('token');
    sensitive.add(first).add(second);
    expect(second).not.toBe(first);
    expect(bearerOk(second)).toMatchObject({ idtyp: 'user' });
    expect(events).toEqual(['rotated', 'token', 'token', 'rotated', 'token']);
    expect(rotated).toHaveLength(2);
    expect(new Set([seeded, ...rotated]).size).toBe(3);
    for (const value of [SECRET, seeded, ...rotated, first, second])
      expect(secrets.registered).toContain(value);
    expect(
      [...secrets.registered].some(
        (value) => value.split('.').length === 3 && value !== first && value !== second,
      ),
    ).toBe(true); // the id token
  });

  test('an access token that expires mid-run is renewed from the rotated refresh token', async () => {
    const seeded = server.entra.issueRefreshToken(SECRET_APP, 'admin@fabrikam.com');
    const rotated: string[] = [];
    const { instance } = provider(delegated(seeded), {
      onRefreshTokenRotated: (token) => rotated.push(token),
    });
    const first = await instance.getAccessToken();
    server.entra.expireAccessTokens();
    const renewed = await instance.getAccessToken({ forceRefresh: true });
    expect(bearerOk(first)).toBe('expired');
    expect(bearerOk(renewed)).toMatchObject({ idtyp: 'user' });
    expect(rotated).toHaveLength(2);
    rotated.forEach((token) => sensitive.add(token));
  });

  test('expired by 90 days of inactivity: config_error AADSTS700082 asking to re-authorize', async () => {
    const seeded = server.entra.issueRefreshToken(SECRET_APP, 'idle@fabrikam.com');
    sensitive.add(seeded);
    const saved = clock;
    clock += 91 * 24 * 3600 * 1000;
    try {
      const error = await failureOf(provider(delegated(seeded)).instance.getAccessToken());
      expect(error).toMatchObject({ failureType: 'config_error', vendorCode: 'AADSTS700082' });
      expect(error.message).toContain('Re-authorize the connection');
    } finally {
      clock = saved;
    }
  });

  test('revoked mid-run: the renewal fails with config_error AADSTS50173 asking to re-authorize', async () => {
    const seeded = server.entra.issueRefreshToken(SECRET_APP, 'admin@fabrikam.com');
    const { instance } = provider(delegated(seeded), {
      onRefreshTokenRotated: (token) => sensitive.add(token),
    });
    sensitive.add(await instance.getAccessToken());
    server.entra.revokeRefreshTokens();
    const error = await failureOf(instance.getAccessToken({ forceRefresh: true }));
    expect(error).toMatchObject({ failureType: 'config_error', vendorCode: 'AADSTS50173' });
    expect(error.message).toContain('Re-authorize the connection');
  });

  test('a refresh token already used once (not persisted) is refused: AADSTS70008', async () => {
    const seeded = server.entra.issueRefreshToken(SECRET_APP, 'admin@fabrikam.com');
    sensitive.add(
      await provider(delegated(seeded), {
        onRefreshTokenRotated: (t) => sensitive.add(t),
      }).instance.getAccessToken(),
    );
    const error = await failureOf(provider(delegated(seeded)).instance.getAccessToken());
    expect(error).toMatchObject({ failureType: 'config_error', vendorCode: 'AADSTS70008' });
  });

  test('a public client app needs no client_secret', async () => {
    const seeded = server.entra.issueRefreshToken(PUBLIC_APP, 'admin@fabrikam.com');
    const { instance } = provider(delegated(seeded, null, PUBLIC_APP), {
      onRefreshTokenRotated: (t) => sensitive.add(t),
    });
    const token = await instance.getAccessToken();
    sensitive.add(seeded).add(token);
    expect(bearerOk(token)).toMatchObject({ appid: PUBLIC_APP, idtyp: 'user' });
  });

  test('a confidential app without client_secret: config_error AADSTS7000218 naming client_secret', async () => {
    const seeded = server.entra.issueRefreshToken(SECRET_APP, 'admin@fabrikam.com');
    sensitive.add(seeded);
    const error = await failureOf(provider(delegated(seeded, null)).instance.getAccessToken());
    expect(error).toMatchObject({ failureType: 'config_error', vendorCode: 'AADSTS7000218' });
    expect(error.message).toContain('credentials.client_secret');
  });
});

describe('network and TLS', () => {
  test('an unreachable sign-in host: transient_error naming the host, after retrying', async () => {
    const port = await closedPort();
    const { instance } = provider(
      secretCredentials(),
      { retryDelaysMs: [5, 5] },
      { authority_host_override: `https://127.0.0.1:${port}` },
    );
    const error = await failureOf(instance.getAccessToken());
    expect(error.failureType).toBe('transient_error');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('without the simulator CA the host is not trusted: config_error pointing at tls_ca_certificate', async () => {
    const { instance } = provider(secretCredentials(), {}, { tls_ca_certificate: undefined });
    const error = await failureOf(instance.getAccessToken());
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('tls_ca_certificate');
  });

  test('an http authority override is refused as a config error', async () => {
    // Refused when the provider is made, before any request: no token request can go over http.
    const error = await failureOf(
      Promise.resolve().then(() =>
        provider(
          secretCredentials(),
          {},
          { authority_host_override: 'http://127.0.0.1:1' },
        ).instance.getAccessToken(),
      ),
    );
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('authority_host_override must be an https URL');
  });
});

/** A server of the same tenant with one app, whose tokens live `tokenLifetimeSeconds` (real clock). */
const shortLivedServer = (tokenLifetimeSeconds: number) =>
  startEntraServer(
    {
      tenantId: TENANT_ID,
      tenantDomain: TENANT_DOMAIN,
      apps: [{ clientId: SECRET_APP, displayName: 'x', secret: SECRET, inAllowedSecurityGroup: true }],
      tokenLifetimeSeconds,
    },
    server.tls,
  );

/** A token, the cached one asked for at once, and the one asked for after a wait (real clock). */
async function renewAcrossWait() {
  // msal renews tokens within 300 s of expiry, so 302 s means "cached for about 2 s". msal rounds
  // both the request time and "now" to whole seconds, so the renewal point moves by up to 1 s:
  // cached for at least 1 s (the second call below comes at once), renewed after at most 3 s.
  const shortLived = await shortLivedServer(302);
  try {
    const { instance } = provider(secretCredentials(), {}, { authority_host_override: shortLived.origin });
    const first = await instance.getAccessToken();
    const cached = await instance.getAccessToken();
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const second = await instance.getAccessToken();
    return {
      first,
      cached,
      second,
      secondCheck: shortLived.entra.verifyBearer(`Bearer ${second}`, shortLived.origin),
      tokenRequests: shortLived.entra.stats().tokenRequests,
    };
  } finally {
    await shortLived.close();
  }
}

/** A 2-second token checked after it expired, then the next token checked as soon as handed out. */
async function tokenAfterExpiry() {
  const tiny = await shortLivedServer(2);
  try {
    const { instance } = provider(secretCredentials(), {}, { authority_host_override: tiny.origin });
    const first = await instance.getAccessToken();
    // exp is the whole second of issue + 2, so 2 s later the token has surely expired.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const firstCheck = tiny.entra.verifyBearer(`Bearer ${first}`, tiny.origin);
    const second = await instance.getAccessToken();
    return {
      first,
      firstCheck,
      second,
      secondCheck: tiny.entra.verifyBearer(`Bearer ${second}`, tiny.origin),
    };
  } finally {
    await tiny.close();
  }
}

describe('short-lived tokens (real clock)', () => {
  test('a cached token is renewed before it expires, across a wait', async () => {
    const { first, cached, second, secondCheck, tokenRequests } = await renewedAcrossWait;
    expect(cached).toBe(first);
    sensitive.add(first).add(second);
    expect(second).not.toBe(first);
    expect(secondCheck.ok).toBe(true);
    expect(tokenRequests).toBe(2);
  });
});

describe('tokens living 2 seconds (real clock)', () => {
  test('every token handed out is valid when handed out, even after the previous one expired', async () => {
    const { first, firstCheck, second, secondCheck } = await handedOutAfterExpiry;
    expect(firstCheck).toEqual({ ok: false, reason: 'expired' });
    sensitive.add(first).add(second);
    expect(secondCheck.ok).toBe(true);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}
