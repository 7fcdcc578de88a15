import { createPublicKey, randomUUID, verify } from 'node:crypto';
import https from 'node:https';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { createClientCertificate, certificateThumbprints } from '../../simulator/entra/certificates.js';
import { signJwt } from '../../simulator/entra/jwt.js';
import { startEntraServer, type EntraServer } from '../../simulator/entra/standalone-server.js';

const TENANT_ID = '5d1c4f3e-9b2a-4c6d-8e7f-0a1b2c3d4e5f';
const TENANT_DOMAIN = 'contoso.onmicrosoft.com';
const SECRET_APP = '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90';
const CERT_APP = '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091';
const SECRET = 'Zq8~secret.value_with+special&chars';
const PBI_DEFAULT = 'https://analysis.windows.net/powerbi/api/.default';

const cert = createClientCertificate('CN=source-powerbi-test');
const otherCert = createClientCertificate('CN=not-registered');

let clock = Date.now();
let server: EntraServer;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function request(
  method: string,
  path: string,
  form?: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = https.request(
      `${server.origin}${path}`,
      {
        method,
        ca: server.tls.ca,
        headers: body
          ? { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8', ...headers }
          : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const tokenPath = (tenant = TENANT_ID) => `/${tenant}/oauth2/v2.0/token`;
const secretForm = (overrides: Record<string, string> = {}) => ({
  client_id: SECRET_APP,
  client_secret: SECRET,
  scope: PBI_DEFAULT,
  grant_type: 'client_credentials',
  ...overrides,
});

function claimsOf(token: unknown): Record<string, unknown> {
  const payload = String(token).split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function assertion(
  options: {
    alg?: 'PS256' | 'RS256';
    key?: string;
    thumbprintOf?: string;
    claims?: Record<string, unknown>;
  } = {},
) {
  const alg = options.alg ?? 'PS256';
  const thumbprints = certificateThumbprints(options.thumbprintOf ?? cert.certificatePem);
  const header =
    alg === 'PS256'
      ? { typ: 'JWT', 'x5t#S256': Buffer.from(thumbprints.sha256Hex, 'hex').toString('base64url') }
      : { typ: 'JWT', x5t: Buffer.from(thumbprints.sha1Hex, 'hex').toString('base64url') };
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: `${server.origin}/${TENANT_ID}/oauth2/v2.0/token`,
    iss: CERT_APP,
    sub: CERT_APP,
    jti: randomUUID(),
    nbf: now,
    exp: now + 600,
    ...options.claims,
  };
  return signJwt(header, claims, options.key ?? cert.privateKeyPem, alg);
}

const assertionForm = (clientAssertion: string) => ({
  client_id: CERT_APP,
  scope: PBI_DEFAULT,
  grant_type: 'client_credentials',
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: clientAssertion,
});

function expectAadsts(reply: Reply, status: number, error: string, code: number) {
  expect(reply.status).toBe(status);
  expect(reply.body['error']).toBe(error);
  expect(reply.body['error_codes']).toEqual([code]);
  expect(String(reply.body['error_description'])).toMatch(
    new RegExp(
      `^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: [0-9a-f-]{36}\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
    ),
  );
  expect(reply.body['error_uri']).toBe(`https://login.microsoftonline.com/error?code=${code}`);
}

beforeAll(async () => {
  server = await startEntraServer({
    tenantId: TENANT_ID,
    tenantDomain: TENANT_DOMAIN,
    apps: [
      { clientId: SECRET_APP, displayName: 'secret app', secret: SECRET, inAllowedSecurityGroup: true },
      {
        clientId: CERT_APP,
        displayName: 'cert app',
        certificatePem: cert.certificatePem,
        inAllowedSecurityGroup: true,
      },
    ],
    tokenLifetimeSeconds: 3600,
    now: () => clock,
  });
});

afterAll(async () => {
  await server.close();
});

describe('client_credentials with a client secret', () => {
  test('issues an RS256 Power BI access token carrying tenant, app and expiry', async () => {
    const reply = await request('POST', tokenPath(TENANT_DOMAIN), secretForm());
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store, no-cache');
    expect(reply.body).toEqual({
      token_type: 'Bearer',
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/) as unknown,
    });
    const claims = claimsOf(reply.body['access_token']);
    expect(claims).toMatchObject({
      aud: 'https://analysis.windows.net/powerbi/api',
      tid: TENANT_ID,
      appid: SECRET_APP,
      idtyp: 'app',
      exp: Math.floor(clock / 1000) + 3600,
    });
    expect(claims['scp']).toBeUndefined();
    const check = server.entra.verifyBearer(`Bearer ${String(reply.body['access_token'])}`, server.origin);
    expect(check).toEqual({
      ok: true,
      claims: expect.objectContaining({ appid: SECRET_APP, idtyp: 'app' }) as unknown,
    });
  });

  test('accepts the secret in an HTTP Basic header too', async () => {
    const basic = Buffer.from(`${SECRET_APP}:${encodeURIComponent(SECRET)}`).toString('base64');
    const form = { scope: PBI_DEFAULT, grant_type: 'client_credentials' };
    const reply = await request('POST', tokenPath(), form, { authorization: `Basic ${basic}` });
    expect(reply.status).toBe(200);
  });

  test('wrong secret: 401 invalid_client AADSTS7000215 echoing the correlation id', async () => {
    const correlation = randomUUID();
    const reply = await request(
      'POST',
      tokenPath(),
      secretForm({ client_secret: 'nope', 'client-request-id': correlation }),
    );
    expectAadsts(reply, 401, 'invalid_client', 7000215);
    expect(reply.body['correlation_id']).toBe(correlation);
    expect(String(reply.body['error_description'])).toContain('not the client secret ID');
  });

  test('no credential at all: AADSTS7000218', async () => {
    const { client_secret: _secret, ...form } = secretForm();
    expectAadsts(await request('POST', tokenPath(), form), 401, 'invalid_client', 7000218);
  });

  test('unknown client: 400 unauthorized_client AADSTS700016 naming app and directory', async () => {
    const reply = await request('POST', tokenPath(), secretForm({ client_id: randomUUID() }));
    expectAadsts(reply, 400, 'unauthorized_client', 700016);
    expect(String(reply.body['error_description'])).toContain(`directory '${TENANT_ID}'`);
  });

  test('unknown tenant: 400 invalid_tenant AADSTS90002 on the token endpoint and on discovery', async () => {
    expectAadsts(
      await request('POST', tokenPath('contoso-typo.onmicrosoft.com'), secretForm()),
      400,
      'invalid_tenant',
      90002,
    );
    const discovery = await request(
      'GET',
      '/contoso-typo.onmicrosoft.com/v2.0/.well-known/openid-configuration',
    );
    expectAadsts(discovery, 400, 'invalid_tenant', 90002);
  });

  test('scope must be the Power BI resource with /.default', async () => {
    const notDefault = await request(
      'POST',
      tokenPath(),
      secretForm({ scope: 'https://analysis.windows.net/powerbi/api/Tenant.Read.All' }),
    );
    expectAadsts(notDefault, 400, 'invalid_scope', 1002012);
    const otherResource = await request(
      'POST',
      tokenPath(),
      secretForm({ scope: 'https://graph.microsoft.com/.default' }),
    );
    expectAadsts(otherResource, 400, 'invalid_resource', 500011);
  });

  test('unknown grant type: unsupported_grant_type', async () => {
    const reply = await request('POST', tokenPath(), secretForm({ grant_type: 'password' }));
    expectAadsts(reply, 400, 'unsupported_grant_type', 70003);
  });
});

describe('client_credentials with a certificate (client assertion)', () => {
  test.each(['PS256', 'RS256'] as const)(
    'accepts a %s assertion from the registered certificate',
    async (alg) => {
      const reply = await request('POST', tokenPath(), assertionForm(assertion({ alg })));
      expect(reply.status).toBe(200);
      expect(claimsOf(reply.body['access_token'])).toMatchObject({ appid: CERT_APP, tid: TENANT_ID });
    },
  );

  test('an unregistered certificate: AADSTS700027 "key was not found" with its thumbprint', async () => {
    const bad = assertion({ key: otherCert.privateKeyPem, thumbprintOf: otherCert.certificatePem });
    const reply = await request('POST', tokenPath(), assertionForm(bad));
    expectAadsts(reply, 401, 'invalid_client', 700027);
    expect(String(reply.body['error_description'])).toContain(otherCert.thumbprintSha256Hex.toUpperCase());
  });

  test('the registered thumbprint signed by another key: AADSTS700027 signature validation', async () => {
    const reply = await request(
      'POST',
      tokenPath(),
      assertionForm(assertion({ key: otherCert.privateKeyPem })),
    );
    expectAadsts(reply, 401, 'invalid_client', 700027);
    expect(String(reply.body['error_description'])).toContain('failed signature validation');
  });

  test('iss/sub must be the client id (700021), aud the token URL (700023), time window (700024)', async () => {
    const issuer = await request(
      'POST',
      tokenPath(),
      assertionForm(assertion({ claims: { iss: SECRET_APP } })),
    );
    expectAadsts(issuer, 401, 'invalid_client', 700021);
    const audience = await request(
      'POST',
      tokenPath(),
      assertionForm(assertion({ claims: { aud: 'https://login.microsoftonline.com/x/oauth2/v2.0/token' } })),
    );
    expectAadsts(audience, 401, 'invalid_client', 700023);
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await request(
      'POST',
      tokenPath(),
      assertionForm(assertion({ claims: { nbf: past, exp: past + 600 } })),
    );
    expectAadsts(expired, 401, 'invalid_client', 700024);
  });

  test('a malformed assertion: AADSTS50027', async () => {
    expectAadsts(
      await request('POST', tokenPath(), assertionForm('not-a-jwt')),
      401,
      'invalid_client',
      50027,
    );
  });
});

describe('refresh_token grant', () => {
  const refreshForm = (refreshToken: string, extra: Record<string, string> = {}) => ({
    client_id: SECRET_APP,
    client_secret: SECRET,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    scope: `${PBI_DEFAULT} openid profile offline_access`,
    client_info: '1',
    ...extra,
  });

  test('returns a delegated token, id token, client info and a rotated refresh token; the old one dies', async () => {
    const first = server.entra.issueRefreshToken(SECRET_APP, 'ana.gomez@contoso.com');
    const reply = await request('POST', tokenPath(), refreshForm(first));
    expect(reply.status).toBe(200);
    const rotated = reply.body['refresh_token'];
    expect(typeof rotated).toBe('string');
    expect(rotated).not.toBe(first);
    const claims = claimsOf(reply.body['access_token']);
    expect(claims).toMatchObject({
      idtyp: 'user',
      appid: SECRET_APP,
      tid: TENANT_ID,
      scp: 'Tenant.Read.All Workspace.Read.All',
    });
    expect(claimsOf(reply.body['id_token'])).toMatchObject({
      aud: SECRET_APP,
      preferred_username: 'ana.gomez@contoso.com',
    });
    const info = JSON.parse(
      Buffer.from(String(reply.body['client_info']), 'base64url').toString('utf8'),
    ) as unknown;
    expect(info).toEqual({ uid: claims['oid'], utid: TENANT_ID });

    expectAadsts(await request('POST', tokenPath(), refreshForm(first)), 400, 'invalid_grant', 70008);
    expect((await request('POST', tokenPath(), refreshForm(String(rotated)))).status).toBe(200);
  });

  test('a specific consented scope narrows scp; an unconsented one is refused', async () => {
    const token = server.entra.issueRefreshToken(SECRET_APP, 'li.wei@contoso.com');
    const narrow = await request(
      'POST',
      tokenPath(),
      refreshForm(token, {
        scope: 'https://analysis.windows.net/powerbi/api/Tenant.Read.All offline_access',
      }),
    );
    expect(claimsOf(narrow.body['access_token'])['scp']).toBe('Tenant.Read.All');
    const next = String(narrow.body['refresh_token']);
    const refused = await request(
      'POST',
      tokenPath(),
      refreshForm(next, { scope: 'https://analysis.windows.net/powerbi/api/Tenant.ReadWrite.All' }),
    );
    expectAadsts(refused, 400, 'invalid_scope', 70011);
  });

  test('revoked: AADSTS50173 with suberror bad_token; tokens issued afterwards work', async () => {
    const token = server.entra.issueRefreshToken(SECRET_APP, 'revoked@contoso.com');
    server.entra.revokeRefreshTokens();
    const reply = await request('POST', tokenPath(), refreshForm(token));
    expectAadsts(reply, 400, 'invalid_grant', 50173);
    expect(reply.body['suberror']).toBe('bad_token');
    const fresh = server.entra.issueRefreshToken(SECRET_APP, 'revoked@contoso.com');
    expect((await request('POST', tokenPath(), refreshForm(fresh))).status).toBe(200);
  });

  test('inactive for 90 days on the simulated clock: AADSTS700082 with suberror bad_token', async () => {
    const token = server.entra.issueRefreshToken(SECRET_APP, 'idle@contoso.com');
    const saved = clock;
    clock += 91 * 24 * 3600 * 1000;
    try {
      const reply = await request('POST', tokenPath(), refreshForm(token));
      expectAadsts(reply, 400, 'invalid_grant', 700082);
      expect(reply.body['suberror']).toBe('bad_token');
    } finally {
      clock = saved;
    }
  });

  test('a token of another client (70000) and garbage (9002313) are refused', async () => {
    const token = server.entra.issueRefreshToken(CERT_APP, 'ana.gomez@contoso.com');
    expectAadsts(await request('POST', tokenPath(), refreshForm(token)), 400, 'invalid_grant', 70000);
    expectAadsts(await request('POST', tokenPath(), refreshForm('garbage')), 400, 'invalid_grant', 9002313);
  });
});

describe('bearer verification and expiry', () => {
  async function freshToken() {
    const reply = await request('POST', tokenPath(), secretForm());
    return `Bearer ${String(reply.body['access_token'])}`;
  }

  test('missing, malformed and foreign tokens are told apart', async () => {
    expect(server.entra.verifyBearer(undefined, server.origin)).toEqual({ ok: false, reason: 'missing' });
    expect(server.entra.verifyBearer('Bearer abc', server.origin)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    const other = await startEntraServer(
      {
        tenantId: TENANT_ID,
        tenantDomain: TENANT_DOMAIN,
        apps: [{ clientId: SECRET_APP, displayName: 'x', secret: SECRET, inAllowedSecurityGroup: true }],
      },
      server.tls,
    );
    try {
      const foreign = await new Promise<string>((resolve, reject) => {
        const req = https.request(
          `${other.origin}${tokenPath()}`,
          { method: 'POST', ca: server.tls.ca },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve(
                String(
                  (JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>)['access_token'],
                ),
              ),
            );
          },
        );
        req.on('error', reject);
        req.end(new URLSearchParams(secretForm()).toString());
      });
      expect(server.entra.verifyBearer(`Bearer ${foreign}`, server.origin)).toEqual({
        ok: false,
        reason: 'invalid_signature',
      });
    } finally {
      await other.close();
    }
  });

  test('expireAccessTokens expires every token issued so far, not later ones', async () => {
    const before = await freshToken();
    expect(server.entra.verifyBearer(before, server.origin).ok).toBe(true);
    server.entra.expireAccessTokens();
    expect(server.entra.verifyBearer(before, server.origin)).toEqual({ ok: false, reason: 'expired' });
    expect(server.entra.verifyBearer(await freshToken(), server.origin).ok).toBe(true);
  });

  test('tokens expire on the simulated clock after tokenLifetimeSeconds', async () => {
    const token = await freshToken();
    const saved = clock;
    clock += 3599 * 1000;
    expect(server.entra.verifyBearer(token, server.origin).ok).toBe(true);
    clock += 1000;
    expect(server.entra.verifyBearer(token, server.origin)).toEqual({ ok: false, reason: 'expired' });
    clock = saved;
  });
});

describe('discovery documents', () => {
  test('OpenID configuration has the four keys msal requires, issuer on the same origin', async () => {
    const reply = await request('GET', `/${TENANT_DOMAIN}/v2.0/.well-known/openid-configuration`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      token_endpoint: `${server.origin}/${TENANT_DOMAIN}/oauth2/v2.0/token`,
      authorization_endpoint: `${server.origin}/${TENANT_DOMAIN}/oauth2/v2.0/authorize`,
      jwks_uri: `${server.origin}/${TENANT_DOMAIN}/discovery/v2.0/keys`,
      issuer: `${server.origin}/${TENANT_ID}/v2.0`,
    });
  });

  test('the JWKS verifies issued access tokens', async () => {
    const token = String((await request('POST', tokenPath(), secretForm())).body['access_token']);
    const jwks = await request('GET', `/${TENANT_ID}/discovery/v2.0/keys`);
    const [key] = jwks.body['keys'] as Record<string, unknown>[];
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const publicKey = createPublicKey({
      key: { kty: 'RSA', n: String(key?.['n']), e: String(key?.['e']) },
      format: 'jwk',
    });
    expect(
      verify('sha256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url')),
    ).toBe(true);
  });

  test('instance discovery names this host as its own cloud; other paths are not Entra', async () => {
    const reply = await request('GET', '/common/discovery/instance?api-version=1.1');
    const host = new URL(server.origin).host;
    expect(reply.body['metadata']).toEqual([
      { preferred_network: host, preferred_cache: host, aliases: [host] },
    ]);
  });
});

describe('real @azure/msal-node against the simulator', () => {
  function msalApp(auth: ConstructorParameters<typeof ConfidentialClientApplication>[0]['auth']) {
    // Node's fetch (msal's default HTTP client) trusts NODE_EXTRA_CA_CERTS only at start-up, so this
    // test hands msal a minimal network client that trusts the simulator CA.
    return new ConfidentialClientApplication({
      auth: {
        ...auth,
        authority: `${server.origin}/${TENANT_DOMAIN}`,
        knownAuthorities: [new URL(server.origin).host],
      },
      system: { networkClient: caTrustingNetworkClient(server.tls.ca) },
    });
  }

  test('secret, certificate (SHA-256 and SHA-1 thumbprints) and refresh token all yield valid tokens', async () => {
    const results = await Promise.all([
      msalApp({ clientId: SECRET_APP, clientSecret: SECRET }).acquireTokenByClientCredential({
        scopes: [PBI_DEFAULT],
      }),
      msalApp({
        clientId: CERT_APP,
        clientCertificate: { thumbprintSha256: cert.thumbprintSha256Hex, privateKey: cert.privateKeyPem },
      }).acquireTokenByClientCredential({ scopes: [PBI_DEFAULT] }),
      msalApp({
        clientId: CERT_APP,
        clientCertificate: { thumbprint: cert.thumbprintSha1Hex, privateKey: cert.privateKeyPem },
      }).acquireTokenByClientCredential({ scopes: [PBI_DEFAULT] }),
      msalApp({ clientId: SECRET_APP, clientSecret: SECRET }).acquireTokenByRefreshToken({
        refreshToken: server.entra.issueRefreshToken(SECRET_APP, 'msal.user@contoso.com'),
        scopes: [PBI_DEFAULT],
      }),
    ]);
    const checks = results.map((result) =>
      server.entra.verifyBearer(`Bearer ${result?.accessToken ?? ''}`, server.origin),
    );
    expect(checks.map((c) => (c.ok ? [c.claims.appid, c.claims.idtyp] : c.reason))).toEqual([
      [SECRET_APP, 'app'],
      [CERT_APP, 'app'],
      [CERT_APP, 'app'],
      [SECRET_APP, 'user'],
    ]);
    expect(results[3]?.account?.username).toBe('msal.user@contoso.com');
  });

  test('msal surfaces the AADSTS number of a wrong secret', async () => {
    await expect(
      msalApp({ clientId: SECRET_APP, clientSecret: 'wrong' }).acquireTokenByClientCredential({
        scopes: [PBI_DEFAULT],
      }),
    ).rejects.toMatchObject({ errorCode: 'invalid_client', errorNo: 7000215 });
  });

  test('stats count token requests and failed ones', async () => {
    const before = server.entra.stats();
    await request('POST', tokenPath(), secretForm());
    await request('POST', tokenPath(), secretForm({ client_secret: 'x' }));
    expect(server.entra.stats()).toEqual({
      tokenRequests: before.tokenRequests + 2,
      tokenErrors: before.tokenErrors + 1,
    });
  });
});

function caTrustingNetworkClient(ca: string) {
  const agent = new https.Agent({ ca });
  const send = <T>(
    method: string,
    url: string,
    options?: { headers?: Record<string, string>; body?: string },
  ) =>
    new Promise<{ status: number; headers: Record<string, string>; body: T }>((resolve, reject) => {
      const req = https.request(url, { method, agent, headers: options?.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T,
          }),
        );
      });
      req.on('error', reject);
      req.end(options?.body);
    });
  return {
    sendGetRequestAsync: <T>(url: string, options?: { headers?: Record<string, string>; body?: string }) =>
      send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: { headers?: Record<string, string>; body?: string }) =>
      send<T>('POST', url, options),
  };
}
