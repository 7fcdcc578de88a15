import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseOptions } from '../../../src/config/config.js';
import { firstSentence } from '../../../src/config/validate.js';
import { ConnectorError } from '../../../src/errors.js';
import { Redactor } from '../../../src/protocol/redactor.js';
import { repoRoot } from '../../helpers/paths.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';
const SECRET = 'Sup3r~Secret.Value_0123456789';

function validConfig(): Record<string, unknown> {
  return {
    credentials: {
      auth_type: 'service_principal_secret',
      tenant_id: TENANT,
      client_id: CLIENT,
      client_secret: SECRET,
    },
  };
}

function configErrorOf(raw: unknown): ConnectorError {
  try {
    parseOptions(raw, new Redactor());
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('config_error');
    return error as ConnectorError;
  }
  throw new Error('expected a config_error');
}

describe('parseOptions', () => {
  test('applies every default from spec.json, as camelCase options per layer', () => {
    const options = parseOptions(validConfig(), new Redactor());
    expect(options.input).toEqual(validConfig());
    expect(options.auth).toMatchObject({ cloud: 'public', authorityHostOverride: undefined });
    expect(options.http).toEqual({ maxRetryWaitSeconds: 900, requestTimeoutSeconds: 120 });
    expect(options.scan).toEqual({
      lineage: true,
      datasourceDetails: true,
      datasetSchema: true,
      datasetExpressions: true,
      artifactUsers: true,
      maxScansInFlight: 16,
      workspacesPerScan: 100,
      pollIntervalSeconds: 5,
      scanTimeoutMinutes: 30,
    });
    expect(options.workspaces).toEqual({
      includeIds: [],
      excludeIds: [],
      includeNamePatterns: [],
      excludeNamePatterns: [],
      includePersonalWorkspaces: false,
      includeInactiveWorkspaces: false,
    });
    expect(options.incremental).toEqual({ lookbackMinutes: 60, fullRefreshEveryDays: 7 });
    expect(options.privacy).toEqual({ userIdentifiers: 'keep' });
    expect(options.lineage).toEqual({ odbcDsnMap: {}, workerThreads: undefined });
    expect(options.usage).toEqual({
      activityEvents: { enabled: false, backfillDays: 7, settleMinutes: 60 },
      refreshHistory: { enabled: true, refreshesPerArtifact: 20, concurrency: 4 },
      apps: { enabled: true },
    });
  });

  test('compiles name patterns once and converts the ODBC DSN map to the lineage lookup', () => {
    const options = parseOptions(
      {
        ...validConfig(),
        workspaces: { include_name_patterns: ['^sales'] },
        lineage: {
          odbc_dsn_map: [
            { dsn: 'WH', platform: 'snowflake', database: 'ANALYTICS' },
            { dsn: 'PG', platform: 'postgres' },
          ],
        },
      },
      new Redactor(),
    );
    expect(options.workspaces.includeNamePatterns.map((p) => p.test('Sales EMEA'))).toEqual([true]);
    expect(options.lineage.odbcDsnMap).toEqual({
      WH: { platform: 'snowflake', database: 'ANALYTICS' },
      PG: { platform: 'postgres' },
    });
  });

  test('registers secrets with the redactor before validating', () => {
    const redactor = new Redactor();
    parseOptions(validConfig(), redactor);
    expect(redactor.redact(`token ${SECRET} and tenant ${TENANT}`)).not.toContain(SECRET);
  });

  test('missing tenant names credentials.tenant_id', () => {
    const raw = validConfig();
    delete (raw.credentials as Record<string, unknown>).tenant_id;
    expect(configErrorOf(raw).message).toContain('credentials.tenant_id is required');
  });

  test('a malformed tenant says it must be a GUID or verified domain', () => {
    const raw = validConfig();
    (raw.credentials as Record<string, unknown>).tenant_id = 'not a tenant!';
    expect(configErrorOf(raw).message).toMatch(/credentials\.tenant_id must be a GUID or verified domain/);
  });

  test('the malformed-tenant error quotes the whole first sentence of its description, example domain included', () => {
    const raw = validConfig();
    (raw.credentials as Record<string, unknown>).tenant_id = 'not a tenant!';
    expect(configErrorOf(raw).message).toMatch(/a verified domain such as contoso\.onmicrosoft\.com\.$/);
  });

  test('a description with "(e.g. …)" is not cut inside the parentheses', () => {
    const raw = { ...validConfig(), authority_host_override: 'login.example.com' };
    expect(configErrorOf(raw).message).toContain(
      '(e.g. a private endpoint, or the local simulator in tests).',
    );
  });

  test('every description in spec.json gives a first sentence that ends with a period and closes its parentheses', () => {
    const spec = JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as unknown;
    const descriptions: string[] = [];
    const walk = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const { description } = node as { description?: unknown };
      if (typeof description === 'string') descriptions.push(description);
      Object.values(node).forEach(walk);
    };
    walk(spec);
    expect(descriptions.length).toBeGreaterThan(20);
    const cut = descriptions
      .map((d) => firstSentence(d).trim())
      .filter((s) => !s.endsWith('.') || (s.match(/\(/g) ?? []).length !== (s.match(/\)/g) ?? []).length);
    expect(cut).toEqual([]);
  });

  test('a wrong type names the field and the expected type', () => {
    const raw = { ...validConfig(), scan: { max_scans_in_flight: 'sixteen' } };
    expect(configErrorOf(raw).message).toMatch(/scan\.max_scans_in_flight must be integer/);
  });

  test('an unknown cloud lists the allowed clouds', () => {
    const raw = { ...validConfig(), cloud: 'mars' };
    expect(configErrorOf(raw).message).toMatch(
      /cloud must be one of: public, usgov, usgovhigh, usgovdod, china/,
    );
  });

  test('more than 16 scans in flight is refused with the limit', () => {
    const raw = { ...validConfig(), scan: { max_scans_in_flight: 17 } };
    expect(configErrorOf(raw).message).toMatch(/scan\.max_scans_in_flight must be <= 16/);
  });

  test('an unknown auth_type lists the supported ones', () => {
    const raw = { credentials: { auth_type: 'password', tenant_id: TENANT } };
    expect(configErrorOf(raw).message).toMatch(
      /credentials\.auth_type is not recognised; set it to one of: oauth2_refresh_token/,
    );
  });

  test('a certificate credential needs a certificate or thumbprint', () => {
    const raw = {
      credentials: {
        auth_type: 'service_principal_certificate',
        tenant_id: TENANT,
        client_id: CLIENT,
        private_key: '-----BEGIN PRIVATE KEY-----\nx',
      },
    };
    expect(configErrorOf(raw).message).toMatch(
      /credentials\.certificate or credentials\.thumbprint is required/,
    );
  });

  test('an invalid workspace name pattern is named by index', () => {
    const raw = { ...validConfig(), workspaces: { exclude_name_patterns: ['ok', '(unclosed'] } };
    expect(configErrorOf(raw).message).toContain('workspaces.exclude_name_patterns[1]');
  });

  test('errors never echo the secret value, whatever else is wrong', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9~._-]{24,40}$/), fc.anything(), (secret, junk) => {
        const raw = {
          credentials: {
            auth_type: 'service_principal_secret',
            tenant_id: junk,
            client_id: junk,
            client_secret: secret,
          },
          cloud: junk,
        };
        try {
          parseOptions(raw, new Redactor());
        } catch (error) {
          expect(error).toBeInstanceOf(ConnectorError);
          expect((error as Error).message).not.toContain(secret);
        }
      }),
      { numRuns: 200 },
    );
  });
});
