import { createHash } from 'node:crypto';
import https from 'node:https';
import { startEntraServer, type EntraServer } from '../../simulator/entra/standalone-server.js';

const TENANT_ID = '5d1c4f3e-9b2a-4c6d-8e7f-0a1b2c3d4e5f';
const TENANT_DOMAIN = 'contoso.onmicrosoft.com';
const WEB_APP = '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90';
const REGISTERED_APP = '2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091';
const PUBLIC_APP = '3c4d5e6f-7081-4923-8b4c-5d6e7f809102';
const SECRET = 'Zq8~secret.value_with+special&chars';
const PBI = 'https://analysis.windows.net/powerbi/api';
const CALLBACK = 'http://127.0.0.1:8765/auth_flow';

let server: EntraServer;

interface Reply {
  status: number;
  location?: string;
  body: Record<string, unknown>;
}

function send(method: string, path: string, form?: Record<string, string>): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const req = https.request(
      `${server.origin}${path}`,
      {
        method,
        ca: server.tls.ca,
        headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location && { location: res.headers.location }),
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function authorize(params: Record<string, string>, tenant = TENANT_ID): Promise<Reply> {
  return send('GET', `/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams(params).toString()}`);
}

const consent = (overrides: Record<string, string> = {}) => ({
  client_id: WEB_APP,
  response_type: 'code',
  redirect_uri: CALLBACK,
  response_mode: 'query',
  scope: `${PBI}/.default offline_access`,
  state: 'st4te-123',
  ...overrides,
});

const redeem = (code: string, overrides: Record<string, string> = {}) =>
  send('POST', `/${TENANT_ID}/oauth2/v2.0/token`, {
    grant_type: 'authorization_code',
    client_id: WEB_APP,
    client_secret: SECRET,
    code,
    redirect_uri: CALLBACK,
    ...overrides,
  });

/** The query of the redirect back to the client. */
function callbackParams(reply: Reply, redirectUri = CALLBACK): URLSearchParams {
  expect(reply.status).toBe(302);
  const location = new URL(reply.location ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  return location.searchParams;
}

async function codeFor(overrides: Record<string, string> = {}): Promise<string> {
  return callbackParams(await authorize(consent(overrides))).get('code') ?? '';
}

function claimsOf(token: unknown): Record<string, unknown> {
  const payload = String(token).split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function errorCode(reply: Reply): unknown {
  return (reply.body['error_codes'] as number[] | undefined)?.[0];
}

beforeAll(async () => {
  server = await startEntraServer({
    tenantId: TENANT_ID,
    tenantDomain: TENANT_DOMAIN,
    apps: [
      { clientId: WEB_APP, displayName: 'web app', secret: SECRET, inAllowedSecurityGroup: false },
      {
        clientId: REGISTERED_APP,
        displayName: 'registered redirect',
        secret: SECRET,
        redirectUris: ['https://airbyte.example.com/auth_flow', 'http://localhost/auth_flow'],
        inAllowedSecurityGroup: false,
      },
      { clientId: PUBLIC_APP, displayName: 'public app', publicClient: true, inAllowedSecurityGroup: false },
    ],
  });
});

afterAll(async () => {
  await server.close();
});

describe('authorize endpoint and authorization_code grant', () => {
  test('consent redirects back with a code and the state; the code buys a delegated token and a working refresh token', async () => {
    const params = callbackParams(await authorize(consent()));
    expect(params.get('state')).toBe('st4te-123');
    const code = params.get('code') ?? '';
    expect(code.length).toBeGreaterThan(20);

    const reply = await redeem(code);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) as unknown });
    expect(claimsOf(reply.body['access_token'])).toMatchObject({
      idtyp: 'user',
      appid: WEB_APP,
      tid: TENANT_ID,
      scp: 'Tenant.Read.All Workspace.Read.All',
    });
    const refreshed = await send('POST', `/${TENANT_ID}/oauth2/v2.0/token`, {
      grant_type: 'refresh_token',
      client_id: WEB_APP,
      client_secret: SECRET,
      refresh_token: String(reply.body['refresh_token']),
      scope: `${PBI}/.default offline_access`,
    });
    expect(refreshed.status).toBe(200);
    expect(claimsOf(refreshed.body['access_token'])['upn']).toBe(`admin@${TENANT_DOMAIN}`);
  });

  test('a code is single-use (AADSTS54005) and unknown codes are refused (AADSTS70008)', async () => {
    const code = await codeFor();
    expect((await redeem(code)).status).toBe(200);
    const again = await redeem(code);
    expect([again.status, again.body['error'], errorCode(again)]).toEqual([400, 'invalid_grant', 54005]);
    const unknown = await redeem('1.Anot-a-code');
    expect([unknown.status, errorCode(unknown)]).toEqual([400, 70008]);
  });

  test('the token request must repeat the redirect_uri, come from the same app and carry its secret', async () => {
    const mismatch = await redeem(await codeFor(), { redirect_uri: 'http://127.0.0.1:8765/other' });
    expect([mismatch.status, errorCode(mismatch)]).toEqual([400, 500112]);
    const wrongSecret = await redeem(await codeFor(), { client_secret: 'nope' });
    expect([wrongSecret.status, errorCode(wrongSecret)]).toEqual([401, 7000215]);
    const otherApp = await redeem(await codeFor(), { client_id: PUBLIC_APP, client_secret: '' });
    expect(otherApp.status).toBe(401);
    const publicCode = await codeFor({ client_id: PUBLIC_APP });
    const fromOtherClient = await redeem(publicCode, { client_id: WEB_APP });
    expect([fromOtherClient.status, errorCode(fromOtherClient)]).toEqual([400, 70000]);
  });

  test('a public client redeems without a secret; without offline_access there is no refresh token', async () => {
    const code = await codeFor({ client_id: PUBLIC_APP, scope: `${PBI}/Tenant.Read.All` });
    const reply = await send('POST', `/${TENANT_ID}/oauth2/v2.0/token`, {
      grant_type: 'authorization_code',
      client_id: PUBLIC_APP,
      code,
      redirect_uri: CALLBACK,
    });
    expect(reply.status).toBe(200);
    expect(reply.body['refresh_token']).toBeUndefined();
    expect(claimsOf(reply.body['access_token'])['scp']).toBe('Tenant.Read.All');
  });

  test('PKCE: the S256 verifier must match the challenge (AADSTS50148)', async () => {
    const verifier = 'a-verifier-of-sufficient-length-0123456789abcdef';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    const wrong = await redeem(await codeFor(pkce), { code_verifier: 'something-else' });
    expect([wrong.status, errorCode(wrong)]).toEqual([400, 50148]);
    expect((await redeem(await codeFor(pkce), { code_verifier: verifier })).status).toBe(200);
  });

  test('an unregistered redirect URI, an unknown app or tenant get Entra’s page, never a redirect', async () => {
    const foreign = await authorize(consent({ redirect_uri: 'https://evil.example.com/cb' }));
    expect([foreign.status, foreign.location, errorCode(foreign)]).toEqual([400, undefined, 50011]);
    const unknownApp = await authorize(consent({ client_id: '00000000-0000-0000-0000-000000000001' }));
    expect([unknownApp.status, errorCode(unknownApp)]).toEqual([400, 700016]);
    const unknownTenant = await authorize(consent(), 'fabrikam.onmicrosoft.com');
    expect([unknownTenant.status, errorCode(unknownTenant)]).toEqual([400, 90002]);
  });

  test('registered redirect URIs match exactly, loopback ones on any port', async () => {
    const app = { client_id: REGISTERED_APP };
    const web = 'https://airbyte.example.com/auth_flow';
    expect(
      callbackParams(await authorize(consent({ ...app, redirect_uri: web })), web).get('code'),
    ).toBeTruthy();
    const loopback = 'http://localhost:8000/auth_flow';
    expect(
      callbackParams(await authorize(consent({ ...app, redirect_uri: loopback })), loopback).get('code'),
    ).toBeTruthy();
    const otherPath = await authorize(consent({ ...app, redirect_uri: 'https://airbyte.example.com/other' }));
    expect([otherPath.status, errorCode(otherPath)]).toEqual([400, 50011]);
  });

  test('request errors after the redirect URI is trusted go back to the client with the state', async () => {
    const badScope = callbackParams(
      await authorize(consent({ scope: 'https://graph.microsoft.com/.default' })),
    );
    expect([badScope.get('error'), badScope.get('state')]).toEqual(['invalid_scope', 'st4te-123']);
    expect(badScope.get('error_description')).toMatch(/^AADSTS70011: /);
    const token = callbackParams(await authorize(consent({ response_type: 'token' })));
    expect(token.get('error')).toBe('unsupported_response_type');
    const noScope = callbackParams(await authorize(consent({ scope: '' })));
    expect(noScope.get('error')).toBe('invalid_request');
  });
});
