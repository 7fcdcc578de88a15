import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseOptions } from '../../../src/config/config.js';
import { readJsonFile, MAX_INPUT_DEPTH } from '../../../src/config/json-file.js';
import { compileNamePattern } from '../../../src/config/name-pattern.js';
import { ConnectorError } from '../../../src/errors.js';
import { Redactor } from '../../../src/protocol/redactor.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '11111111-2222-3333-4444-555555555555';

function configWith(credentials: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    credentials: {
      auth_type: 'service_principal_secret',
      tenant_id: TENANT,
      client_id: CLIENT,
      ...credentials,
    },
    ...extra,
  };
}

function failureOf(run: () => unknown): ConnectorError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('expected an error');
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('secrets too short to mask are refused, naming the field', () => {
  test.each([
    ['credentials.client_secret', configWith({ client_secret: 'x' })],
    ['credentials.client_secret', configWith({ client_secret: '  abc12  ' })],
    [
      'credentials.refresh_token',
      configWith({
        auth_type: 'oauth2_refresh_token',
        client_secret: 'long-enough-secret',
        refresh_token: 'r',
      }),
    ],
  ])('%s', (field, raw) => {
    const error = failureOf(() => parseOptions(raw, new Redactor()));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain(`${field} is shorter than 8 characters`);
  });

  test('a secret of exactly 8 characters is accepted and masked', () => {
    const redactor = new Redactor();
    parseOptions(configWith({ client_secret: 'abcd1234' }), redactor);
    expect(redactor.redact('secret=abcd1234;')).toBe('secret=**********;');
  });
});

describe('input files', () => {
  test('a config saved with a UTF-8 byte order mark is read', async () => {
    const file = await fileWith(
      'bom.json',
      `\uFEFF${JSON.stringify(configWith({ client_secret: 'abcdefgh1' }))}`,
    );
    expect(await readJsonFile(file, '--config')).toMatchObject({ credentials: { client_id: CLIENT } });
  });

  test('a config nested 10,000 levels deep is a config_error naming where, not a crash', async () => {
    const file = await fileWith('deep.json', `${'{"level":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
    const error = await readJsonFile(file, '--config').then(
      () => undefined,
      (thrown: unknown) => thrown as ConnectorError,
    );
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error!.failureType).toBe('config_error');
    expect(error!.message).toContain(`nests more than ${MAX_INPUT_DEPTH} levels deep`);
    expect(error!.message).toMatch(/^--config \S+deep\.json: level\.level\./);
    expect(error!.message.length).toBeLessThan(400);
  });

  test('deep arrays count too, and a file just within the limit is accepted', async () => {
    const deepArrays = await fileWith(
      'arrays.json',
      `${'['.repeat(MAX_INPUT_DEPTH + 1)}${']'.repeat(MAX_INPUT_DEPTH + 1)}`,
    );
    await expect(readJsonFile(deepArrays, '--state')).rejects.toThrow(/\[0\]\[0\].* nests more than/);
    const within = await fileWith(
      'within.json',
      `${'['.repeat(MAX_INPUT_DEPTH)}${']'.repeat(MAX_INPUT_DEPTH)}`,
    );
    await expect(readJsonFile(within, '--state')).resolves.toBeDefined();
  });

  test('a JSON syntax error never quotes the file (it may hold secrets)', async () => {
    const file = await fileWith('broken.json', '{"client_secret": "do-not-echo-me", ');
    await expect(readJsonFile(file, '--config')).rejects.toThrow(/is not valid JSON/);
    await expect(readJsonFile(file, '--config')).rejects.not.toThrow(/do-not-echo-me/);
  });
});

describe('the API base URL override', () => {
  test('plain http is a config_error naming the field (the bearer token never goes over http)', () => {
    const raw = configWith(
      { client_secret: 'abcdefgh1' },
      { api_base_url_override: 'http://127.0.0.1:9/v1.0/myorg' },
    );
    const error = failureOf(() => parseOptions(raw, new Redactor()));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain('api_base_url_override must be a https://host[:port]/v1.0/myorg');
    expect(error.message).toContain('an https URL ending in /v1.0/myorg.');
  });
});

describe('workspace name patterns run in linear time (RE2)', () => {
  // With JavaScript's backtracking RegExp this pattern takes exponential time on such names:
  // 30 word characters and a space before a character that fails the match.
  const catastrophic = '^(\\w+\\s?)*$';
  const names = Array.from({ length: 200 }, (_, i) => `Sales Analytics Workspace Number ${i} EMEA-North!`);

  test('a catastrophic pattern is evaluated over 200 names at once', () => {
    const pattern = compileNamePattern(catastrophic, 'workspaces.exclude_name_patterns[0]');
    expect(names.filter((name) => pattern.test(name))).toEqual([]);
    expect(pattern.test('Sales Analytics')).toBe(true);
  });

  test('matching is case-insensitive and unanchored, as documented', () => {
    const pattern = compileNamePattern('^sales', 'workspaces.include_name_patterns[0]');
    expect(pattern.test('SALES - EMEA')).toBe(true);
    expect(pattern.test('Pre-sales')).toBe(false);
    expect(compileNamePattern('dev|test', 'f').test('Finance (TEST)')).toBe(true);
  });

  test.each([
    ['(?=lookahead)x', 'lookahead'],
    ['(a)\\1', 'backreference'],
    ['(unclosed', 'syntax'],
  ])('%s is refused with a config_error naming the field and RE2', (pattern) => {
    const raw = configWith(
      { client_secret: 'abcdefgh1' },
      { workspaces: { include_name_patterns: ['ok', pattern] } },
    );
    const error = failureOf(() => parseOptions(raw, new Redactor()));
    expect(error.failureType).toBe('config_error');
    expect(error.message).toContain(
      'workspaces.include_name_patterns[1] is not a valid RE2 regular expression',
    );
  });

  test('a pattern longer than 1,000 characters is refused', () => {
    const error = failureOf(() =>
      compileNamePattern('a'.repeat(5_000), 'workspaces.exclude_name_patterns[0]'),
    );
    expect(error.message).toContain('workspaces.exclude_name_patterns[0] is 5000 characters long');
  });
});
