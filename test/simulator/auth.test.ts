import { ConfidentialClientApplication } from '@azure/msal-node';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { API, appToken, call } from './helpers/client.js';

const NOT_AUTHORIZED = {
  error: {
    code: 'PowerBINotAuthorizedException',
    'pbi.error': { code: 'PowerBINotAuthorizedException', parameters: {}, details: [], exceptionCulprit: 1 },
  },
};

let sim: Simulator;
beforeEach(async () => {
  sim = await startSimulator({ workspaces: 20, seed: 5, tokenLifetimeSeconds: 600, scanDurationMs: 0 });
});
afterEach(() => sim.close());

const modified = (token?: string) =>
  call(sim, 'GET', `${API}/admin/workspaces/modified`, token ? { token } : {});

/** msal-node pointed at the simulator purely through configuration. */
function msal(
  auth: ConstructorParameters<typeof ConfidentialClientApplication>[0]['auth'],
): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: {
      ...auth,
      authority: `${sim.url}/${sim.credentials.tenantId}`,
      knownAuthorities: [new URL(sim.url).host],
    },
    system: {
      networkClient: {
        sendGetRequestAsync: (url, options) => fetchJson(url, 'GET', options),
        sendPostRequestAsync: (url, options) => fetchJson(url, 'POST', options),
      },
    },
  });
}

async function fetchJson(
  url: string,
  method: string,
  options?: { headers?: Record<string, string>; body?: string },
) {
  const { default: https } = await import('node:https');
  return new Promise<{ headers: Record<string, string>; body: never; status: number }>((resolve, reject) => {
    const req = https.request(url, { method, headers: options?.headers, ca: sim.caCertificate }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])),
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as never,
          status: res.statusCode ?? 0,
        }),
      );
    });
    req.on('error', reject);
    req.end(options?.body);
  });
}

const SCOPE = ['https://analysis.windows.net/powerbi/api/.default'];

test('no or a forged bearer token is a 401 PowerBINotAuthorizedException', async () => {
  const none = await modified();
  expect(none.status).toBe(401);
  expect(none.json).toEqual(NOT_AUTHORIZED);
  const token = await appToken(sim);
  const forged = `${token.slice(0, -4)}AAAA`;
  expect((await modified(forged)).status).toBe(401);
});

test('an expired token is a 403 TokenExpired', async () => {
  const token = await appToken(sim);
  expect((await modified(token)).status).toBe(200);
  sim.advanceClock(601_000);
  const reply = await modified(token);
  expect(reply.status).toBe(403);
  expect(reply.json).toEqual({
    error: { code: 'TokenExpired', message: 'Access token has expired, resubmit with a new access token' },
  });
});

test('a service principal outside the allowed security group is refused admin APIs but not workspace APIs', async () => {
  const token = await appToken(sim, sim.credentials.notAllowedApp);
  const reply = await modified(token);
  expect(reply.status).toBe(401);
  expect(reply.json).toEqual(NOT_AUTHORIZED);
  expect((await call(sim, 'GET', `${API}/groups`, { token })).status).toBe(200);
});

test('turning off "allow service principals to use read-only admin APIs" refuses every service principal', async () => {
  const token = await appToken(sim);
  sim.settings.allowServicePrincipalsReadOnlyAdminApis = false;
  expect((await modified(token)).status).toBe(401);
  sim.settings.allowServicePrincipalsReadOnlyAdminApis = true;
  expect((await modified(token)).status).toBe(200);
});

test('msal-node gets working tokens with the secret, the certificate and a delegated refresh token', async () => {
  const { secretApp, certificateApp, delegatedApp } = sim.credentials;
  const viaSecret = await msal({
    clientId: secretApp.clientId,
    clientSecret: secretApp.clientSecret,
  }).acquireTokenByClientCredential({ scopes: SCOPE });
  const viaCert = await msal({
    clientId: certificateApp.clientId,
    clientCertificate: {
      thumbprintSha256: certificateApp.thumbprintSha256Hex,
      privateKey: certificateApp.privateKeyPem,
    },
  }).acquireTokenByClientCredential({ scopes: SCOPE });
  const refreshToken = sim.configFor('oauth2_refresh_token').credentials.refresh_token ?? '';
  const viaRefresh = await msal({
    clientId: delegatedApp.clientId,
    clientSecret: delegatedApp.clientSecret,
  }).acquireTokenByRefreshToken({
    refreshToken,
    scopes: ['https://analysis.windows.net/powerbi/api/Tenant.Read.All'],
  });
  for (const result of [viaSecret, viaCert, viaRefresh]) {
    expect((await modified(result?.accessToken)).status).toBe(200);
  }
  expect(sim.stats().tokenRequests).toBeGreaterThanOrEqual(3);
});
