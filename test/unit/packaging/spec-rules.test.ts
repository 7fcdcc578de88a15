import { readFileSync } from 'node:fs';
import path from 'node:path';
import { specRuleViolations, streamRuleViolations } from '../../helpers/packaging-spec-rules.js';
import { compareExpectedRecords } from '../../helpers/packaging-acceptance.js';
import { repoRoot } from '../../helpers/paths.js';

type Json = Record<string, unknown>;

const spec = (): Json => JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as Json;

/** The object at a path of keys (array indexes as numbers). */
function at(root: Json, keys: (string | number)[]): Json {
  return keys.reduce<Json>((node, key) => node[key as string] as Json, root);
}
const conn = ['connectionSpecification', 'properties'];
const option = (i: number) => [...conn, 'credentials', 'oneOf', i, 'properties'];

describe("CAT's spec rules", () => {
  test('the committed spec keeps them all', () => {
    expect(specRuleViolations(spec())).toEqual([]);
  });

  test.each<[string, (s: Json) => void, RegExp]>([
    [
      'an unmarked secret',
      (s) => delete at(s, [...option(1), 'client_secret']).airbyte_secret,
      /client_secret field must be airbyte_secret/,
    ],
    [
      'tenant_id unmarked',
      (s) => delete at(s, [...option(0), 'tenant_id']).airbyte_secret,
      /tenant_id field must be airbyte_secret/,
    ],
    [
      'a boolean marked secret',
      (s) => (at(s, [...conn, 'scan', 'properties', 'lineage']).airbyte_secret = true),
      /must not be airbyte_secret/,
    ],
    [
      'a oneOf option without the discriminator',
      (s) => delete at(s, option(2)).auth_type,
      /exactly one const/,
    ],
    [
      'a discriminator default unlike its const',
      (s) => (at(s, [...option(1), 'auth_type']).default = 'x'),
      /default differs/,
    ],
    ['anyOf', (s) => (at(s, [...conn, 'cloud']).anyOf = [{ type: 'string' }]), /forbidden keyword anyOf/],
    ['a $ref', (s) => (at(s, [...conn, 'cloud']).$ref = '#/x'), /forbidden keyword \$ref/],
    [
      'a type list without null',
      (s) => (at(s, [...conn, 'cloud']).type = ['string', 'integer']),
      /type list/,
    ],
    ['an empty object', (s) => delete at(s, [...conn, 'scan']).properties, /needs properties/],
    [
      'additionalProperties false',
      (s) => (at(s, [...conn, 'scan']).additionalProperties = false),
      /additionalProperties must be true/,
    ],
    ['a duplicate enum', (s) => (at(s, [...conn, 'cloud']).enum = ['public', 'public']), /duplicate enum/],
    ['a duplicate order', (s) => (at(s, [...conn, 'cloud']).order = 0), /duplicate order/],
    [
      'group below top level',
      (s) => (at(s, [...conn, 'scan', 'properties', 'lineage']).group = 'g'),
      /group is only allowed/,
    ],
    [
      'a predicate_key not in the spec',
      (s) => (at(s, ['advanced_auth']).predicate_key = ['credentials', 'kind']),
      /predicate_key/,
    ],
    [
      'an OAuth output path not in the spec',
      (s) =>
        (at(s, [
          'advanced_auth',
          'oauth_config_specification',
          'complete_oauth_output_specification',
          'properties',
          'refresh_token',
        ]).path_in_connector_config = ['refresh_token']),
      /path_in_connector_config refresh_token/,
    ],
    [
      'the OAuth option not first',
      (s) =>
        (at(s, [...conn, 'credentials']).oneOf = (
          at(s, [...conn, 'credentials']).oneOf as unknown[]
        ).reverse()),
      /OAuth option must be the first/,
    ],
  ])('catch %s', (_name, mutate, message) => {
    const mutated = spec();
    mutate(mutated);
    expect(specRuleViolations(mutated).join('\n')).toMatch(message);
  });
});

describe("CAT's stream rules", () => {
  const stream = (): Json => ({
    name: 's',
    json_schema: {
      type: 'object',
      properties: { id: { type: 'string' }, at: { type: 'string' }, tags: { type: 'array' } },
    },
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    is_resumable: true,
    default_cursor_field: ['at'],
    source_defined_primary_key: [['id']],
  });
  test.each<[string, (s: Json) => void, RegExp | null]>([
    ['a valid stream', () => undefined, null],
    ['a key not in the schema', (s) => (s.source_defined_primary_key = [['nope']]), /primary key/],
    ['an array key', (s) => (s.source_defined_primary_key = [['tags']]), /object or array/],
    ['a cursor not in the schema', (s) => (s.default_cursor_field = ['nope']), /default_cursor_field/],
    ['allOf in the schema', (s) => (at(s, ['json_schema', 'properties', 'id']).allOf = [{}]), /allOf/],
    [
      'additionalProperties false',
      (s) => (at(s, ['json_schema']).additionalProperties = false),
      /additionalProperties/,
    ],
    [
      'a property named not (allowed)',
      (s) => (at(s, ['json_schema', 'properties']).not = { type: 'string' }),
      null,
    ],
  ])('%s', (_name, mutate, message) => {
    const s = stream();
    mutate(s);
    const problems = streamRuleViolations(s);
    if (message) expect(problems.join('\n')).toMatch(message);
    else expect(problems).toEqual([]);
  });
});

describe("CAT's expected-records comparison (primary keys only)", () => {
  const key = [['id']];
  const expected = [
    { id: '1', n: 'a' },
    { id: '2', n: 'b' },
  ];
  const read = [
    { id: '1', n: 'changed', at: 't' },
    { id: '2', n: 'b', at: 't' },
    { id: '3', n: 'c', at: 't' },
  ];
  test('exact order: the expected keys are the first keys read; other fields and later records do not count', () => {
    expect(compareExpectedRecords('s', read, expected, key, true)).toEqual([]);
  });
  test('exact order: a key read in another place or not at all is a problem', () => {
    expect(compareExpectedRecords('s', [read[1]!, read[0]!], expected, key, true)).toHaveLength(1);
    expect(compareExpectedRecords('s', [read[0]!], expected, key, true)).toEqual([
      's[1]: read nothing, expected ["2"]',
    ]);
  });
  test('any order: every expected key must be read; composite keys compare as a whole', () => {
    expect(compareExpectedRecords('s', [...read].reverse(), expected, key, false)).toEqual([]);
    expect(compareExpectedRecords('s', [read[0]!], expected, key, false)).toEqual(['s: ["2"] not read']);
    const composite = [['a'], ['b']];
    expect(compareExpectedRecords('s', [{ a: 1, b: 2 }], [{ a: 1, b: 3 }], composite, false)).toHaveLength(1);
  });
  test('without a primary key only the count matters', () => {
    expect(compareExpectedRecords('s', [{ x: 1 }], [{ y: 2 }], [], true)).toEqual([]);
    expect(compareExpectedRecords('s', [], [{ y: 2 }], [], true)).toHaveLength(1);
  });
});
