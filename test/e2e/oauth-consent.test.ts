/**
 * The "Authenticate" button of the Airbyte UI, replayed: spec.json's declarative OAuth
 * (advanced_auth.oauth_config_specification) is filled in the way the platform does, the consent
 * goes through the simulator's Entra authorize endpoint to a loopback callback, the code is exchanged
 * at its token endpoint, and the refresh token the flow extracts must then pass `check`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { CLOUD_NAMES, resolveEndpoints } from '../../src/auth/clouds.js';
import {
  expectProtocolLines,
  protocolSchemaAvailable,
  protocolSchemaPath,
} from '../helpers/airbyte-protocol.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import {
  accessTokenRequest,
  consentUrl,
  extractOutput,
  mergeIntoConfig,
  newState,
  userInputFrom,
  type OAuthConfigSpecification,
} from '../helpers/declarative-oauth.js';
import { specRuleViolations } from '../helpers/packaging-spec-rules.js';
import { repoRoot } from '../helpers/paths.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;

const spec = JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as Json & {
  connectionSpecification: Json;
  advanced_auth: {
    predicate_key: string[];
    predicate_value: string;
    oauth_config_specification: OAuthConfigSpecification;
  };
};
const oauth = spec.advanced_auth.oauth_config_specification;

/** GET without following redirects, trusting the simulator's CA. */
function getNoFollow(url: string, ca: string): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location && { location: res.headers.location }),
            body,
          }),
        );
      })
      .on('error', reject);
  });
}

function post(
  request: { url: string; headers: Record<string, string>; body: string },
  ca: string,
): Promise<Json> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      request.url,
      { method: 'POST', headers: request.headers, ca, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, ...(JSON.parse(body) as Json) }));
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}

/** The platform's callback: a loopback page that records the query the browser brings back. */
async function startCallback(): Promise<{
  url: string;
  received: Promise<URLSearchParams>;
  close: () => void;
}> {
  let deliver: (params: URLSearchParams) => void = () => undefined;
  const received = new Promise<URLSearchParams>((resolve) => (deliver = resolve));
  const server = http.createServer((req, res) => {
    deliver(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('You can close this window.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/auth_flow`, received, close: () => server.close() };
}

describe('spec.json advanced_auth (declarative OAuth)', () => {
  // Needs ../shared's official schema (its absence is reported once per run by the global setup).
  (protocolSchemaAvailable ? test : test.skip)(
    'validates against the official ConnectorSpecification schema',
    () => {
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats(ajv);
      const protocol = parseYaml(readFileSync(protocolSchemaPath, 'utf8')) as Json;
      ajv.addSchema({ ...protocol, $id: 'https://airbyte.io/protocol.yaml' });
      const validate = ajv.getSchema('https://airbyte.io/protocol.yaml#/definitions/ConnectorSpecification')!;
      expect(validate(spec) ? null : ajv.errorsText(validate.errors)).toBeNull();
    },
  );

  test("keeps CAT's OAuth rules: every path exists in the connection spec, OAuth is the first credential option", () => {
    expect(specRuleViolations(spec)).toEqual([]);
    const oneOf = (spec.connectionSpecification.properties as Json).credentials as {
      oneOf: { properties: Json }[];
    };
    expect((oneOf.oneOf[0]!.properties.auth_type as Json).const).toBe(spec.advanced_auth.predicate_value);
  });

  test.each(CLOUD_NAMES)(
    'cloud %s: consent and token URLs on its sign-in host, scope for its Power BI resource',
    (cloud) => {
      const endpoints = resolveEndpoints({ cloud });
      const input = { tenant_id: 'contoso.onmicrosoft.com', cloud };
      const consent = new URL(
        consentUrl(
          oauth,
          input,
          { clientId: 'app-id' },
          'https://airbyte.example.com/auth_flow',
          'abcdefghijklmnop',
        ),
      );
      expect(consent.origin).toBe(endpoints.authorityHost);
      expect(consent.pathname).toBe('/contoso.onmicrosoft.com/oauth2/v2.0/authorize');
      expect(Object.fromEntries(consent.searchParams)).toMatchObject({
        client_id: 'app-id',
        response_type: 'code',
        redirect_uri: 'https://airbyte.example.com/auth_flow',
        state: 'abcdefghijklmnop',
        scope: `${endpoints.scope} offline_access`,
      });
      const token = accessTokenRequest(
        oauth,
        input,
        { clientId: 'app-id', clientSecret: 's3cr3t' },
        'the-code',
        'https://cb',
        'st',
      );
      expect(token.url).toBe(`${endpoints.authorityHost}/contoso.onmicrosoft.com/oauth2/v2.0/token`);
      expect(Object.fromEntries(new URLSearchParams(token.body))).toEqual({
        grant_type: 'authorization_code',
        client_id: 'app-id',
        client_secret: 's3cr3t',
        code: 'the-code',
        redirect_uri: 'https://cb',
      });
    },
  );

  test('authority_host_override wins over the cloud, as it does for the connector', () => {
    const consent = new URL(
      consentUrl(
        oauth,
        { tenant_id: 't', cloud: 'china', authority_host_override: 'https://login.proxy.example' },
        { clientId: 'a' },
        'https://cb',
        'st',
      ),
    );
    expect(consent.origin).toBe('https://login.proxy.example');
    expect(consent.searchParams.get('scope')).toBe(
      `${resolveEndpoints({ cloud: 'china' }).scope} offline_access`,
    );
  });
});

describe('the Authenticate button against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, workspaces: 3, scanDurationMs: 20 });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('consent, code exchange and extraction give a refresh token that passes check', async () => {
    const base = sim.configFor('oauth2_refresh_token') as Json & { credentials: Json };
    const {
      refresh_token: _seeded,
      client_id: _id,
      client_secret: _secret,
      ...formCredentials
    } = base.credentials;
    const form: Json = { ...base, credentials: formCredentials, scan: { poll_interval_seconds: 0.05 } };
    const server = {
      clientId: sim.credentials.delegatedApp.clientId,
      clientSecret: sim.credentials.delegatedApp.clientSecret,
    };

    const input = userInputFrom(oauth, form);
    const validateInput = new Ajv({ strict: false }).compile(
      oauth.oauth_user_input_from_connector_config_specification,
    );
    expect(validateInput(input)).toBe(true);
    const callback = await startCallback();
    try {
      const state = newState(oauth);
      const consent = await getNoFollow(
        consentUrl(oauth, input, server, callback.url, state),
        sim.caCertificate,
      );
      expect(consent.status).toBe(302);
      await new Promise<void>((resolve, reject) =>
        http.get(consent.location!, () => resolve()).on('error', reject),
      );
      const query = await callback.received;
      expect(query.get('state')).toBe(state);
      expect(query.get('error')).toBeNull();

      const answer = await post(
        accessTokenRequest(oauth, input, server, query.get('code')!, callback.url, state),
        sim.caCertificate,
      );
      expect(answer.status).toBe(200);
      const output = extractOutput(oauth, answer, Date.now());
      expect(Object.keys(output)).toEqual(['refresh_token']);
      // The platform injects the instance's client id and secret at their paths_in_connector_config.
      const config = mergeIntoConfig(oauth, form, output, {
        client_id: server.clientId,
        client_secret: server.clientSecret,
      });
      expect((config.credentials as Json).refresh_token).toBe(answer.refresh_token);

      const inputs = await writeInputs({ config });
      const result = await runCli(['check', '--config', inputs.config!]);
      const messages = expectProtocolLines(result.stdout);
      expect(result.code).toBe(0);
      const status = messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus as Json;
      expect(status).toMatchObject({ status: 'SUCCEEDED' });

      // Entra rotated the refresh token; the new one is handed back in a CONTROL message, the only
      // place a secret may appear.
      const controls = messages.filter((m) => m.type === 'CONTROL');
      expect(controls.length).toBeGreaterThanOrEqual(1);
      const rotated = (
        (controls.at(-1)!.control as Json).connectorConfig as { config: { credentials: Json } }
      ).config.credentials.refresh_token;
      expect(rotated).not.toBe(output.refresh_token);
      const outsideControl = messages
        .filter((m) => m.type !== 'CONTROL')
        .map((m) => JSON.stringify(m))
        .join('\n');
      for (const secret of [String(output.refresh_token), String(rotated), server.clientSecret])
        expect({ stdout: outsideControl.includes(secret), stderr: result.stderr.includes(secret) }).toEqual({
          stdout: false,
          stderr: false,
        });
    } finally {
      callback.close();
    }
  });

  test('a consent for another redirect URI cannot be redeemed by the flow (Entra refuses the exchange)', async () => {
    const server = {
      clientId: sim.credentials.delegatedApp.clientId,
      clientSecret: sim.credentials.delegatedApp.clientSecret,
    };
    const input = userInputFrom(oauth, sim.configFor('oauth2_refresh_token'));
    const state = newState(oauth);
    const consent = await getNoFollow(
      consentUrl(oauth, input, server, 'http://127.0.0.1:1/auth_flow', state),
      sim.caCertificate,
    );
    const code = new URL(consent.location!).searchParams.get('code')!;
    const answer = await post(
      accessTokenRequest(oauth, input, server, code, 'http://127.0.0.1:2/auth_flow', state),
      sim.caCertificate,
    );
    expect(answer.status).toBe(400);
    expect(() => extractOutput(oauth, answer, Date.now())).toThrow(/refresh_token/);
  });
});
