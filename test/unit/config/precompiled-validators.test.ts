/**
 * The config is validated by ajv code generated at build time (src/generated/config-validators.ts)
 * instead of compiling spec.json in every process. These tests hold it to what compiling at run time
 * gives: the committed file is the one spec.json generates now, every validator judges configs,
 * reports errors and fills defaults exactly as ajv's compiler does, and a spec that is not the one it
 * was generated from is compiled at run time.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { configValidatorsSource } from '../../../scripts/config-validators.js';
import {
  AJV_OPTIONS,
  credentialsOptions,
  specFingerprint,
  validateAgainstSpec,
} from '../../../src/config/validate.js';
import {
  precompiledValidators,
  PRECOMPILED_SPEC_FINGERPRINT,
} from '../../../src/generated/config-validators.js';
import { ConnectorError } from '../../../src/errors.js';
import { repoRoot } from '../../helpers/paths.js';

type Json = Record<string, unknown>;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const specSchema = (JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as Json)
  .connectionSpecification as Json;

function compiledAtRunTime(schema: Json): ValidateFunction {
  const ajv = new Ajv(AJV_OPTIONS);
  addFormats(ajv);
  return ajv.compile(schema);
}

const CREDENTIALS: Record<string, Json> = {
  service_principal_secret: { client_secret: 'Sup3r~Secret.Value_0123456789' },
  oauth2_refresh_token: { refresh_token: 'refresh-token-value-0123456789' },
  service_principal_certificate: {
    private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
  },
};

function baseConfig(authType: string): Json {
  return {
    credentials: {
      auth_type: authType,
      tenant_id: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      client_id: '11111111-2222-3333-4444-555555555555',
      ...CREDENTIALS[authType],
    },
  };
}

interface PropertyAt {
  at: string[];
  schema: Json;
}

/** Every property of a schema, nested ones too (objects and leaves), e.g. scan.max_scans_in_flight. */
function properties(schema: Json, prefix: string[] = []): PropertyAt[] {
  const children = (schema.properties ?? {}) as Record<string, Json>;
  return Object.entries(children).flatMap(([key, child]) => [
    { at: [...prefix, key], schema: child },
    ...properties(child, [...prefix, key]),
  ]);
}

/** The values at and just past a property's bounds, its allowed values and one of every other type. */
function edgeValues(schema: Json): unknown[] {
  const values: unknown[] = [null, true, 'text', 3, [], {}, ['text']];
  for (const bound of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'])
    if (typeof schema[bound] === 'number') values.push(schema[bound] - 1, schema[bound], schema[bound] + 1);
  for (const bound of ['minLength', 'maxLength'])
    if (typeof schema[bound] === 'number')
      values.push(
        'a'.repeat(Math.max(0, schema[bound] - 1)),
        'a'.repeat(schema[bound] + 1),
        '😀'.repeat(schema[bound]),
      );
  if (Array.isArray(schema.enum)) values.push(...(schema.enum as unknown[]), 'not-an-allowed-value');
  if (schema.const !== undefined) values.push(schema.const);
  if (schema.default !== undefined) values.push(schema.default);
  return values;
}

function withValueAt(config: Json, at: string[], value: unknown): Json {
  const copy = structuredClone(config);
  let node = copy;
  for (const key of at.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[at[at.length - 1]!] = value;
  return copy;
}

/** What a validator says of a config: valid or not, its errors, and the config with defaults filled. */
function verdict(validate: ValidateFunction, config: Json): unknown {
  const data = structuredClone(config);
  const valid = validate(data);
  return { valid, errors: validate.errors ?? null, data };
}

describe('precompiled config validators', () => {
  test('the committed file is what spec.json generates now (else: npx tsx scripts/precompile-config-validators.ts)', () => {
    const committed = readFileSync(path.join(repoRoot, 'src', 'generated', 'config-validators.ts'), 'utf8');
    expect(committed === configValidatorsSource(specSchema)).toBe(true);
    expect(PRECOMPILED_SPEC_FINGERPRINT).toBe(specFingerprint(specSchema));
  });

  test('there is one validator per credentials option', () => {
    expect(Object.keys(precompiledValidators).sort()).toEqual(
      credentialsOptions(specSchema)
        .map((o) => o.authType)
        .sort(),
    );
  });

  describe.each(credentialsOptions(specSchema).map((o) => [o.authType, o.schema] as const))(
    '%s',
    (authType, schema) => {
      const atRunTime = compiledAtRunTime(schema);
      const precompiled = precompiledValidators[authType]!;
      const props = properties(schema);

      test('a valid config: accepted, with the same defaults filled in', () => {
        const config = baseConfig(authType);
        expect(verdict(precompiled, config)).toEqual(verdict(atRunTime, config));
        expect((verdict(precompiled, config) as { valid: boolean }).valid).toBe(true);
      });

      test('each property at its edges: the same verdict, errors and data as ajv compiling at run time', () => {
        let compared = 0;
        for (const { at, schema: property } of props)
          for (const value of edgeValues(property)) {
            const config = withValueAt(baseConfig(authType), at, value);
            expect({ at, value, ...(verdict(precompiled, config) as Json) }).toEqual({
              at,
              value,
              ...(verdict(atRunTime, config) as Json),
            });
            compared += 1;
          }
        expect(compared).toBeGreaterThan(props.length * 7);
      });

      test('random values at random properties: the same verdict, errors and data', () => {
        const change = fc
          .constantFrom(...props)
          .chain(({ at, schema: property }) =>
            fc.tuple(
              fc.constant(at),
              fc.oneof(fc.constantFrom(...edgeValues(property)), fc.jsonValue({ maxDepth: 2 })),
            ),
          );
        fc.assert(
          fc.property(fc.array(change, { minLength: 1, maxLength: 4 }), (changes) => {
            const config = changes.reduce(
              (c, [at, value]) => withValueAt(c, at, value),
              baseConfig(authType),
            );
            expect(verdict(precompiled, config)).toEqual(verdict(atRunTime, config));
          }),
          { numRuns: 150 },
        );
      });
    },
  );

  test('a spec other than the generated one is compiled at run time, and its rules apply', () => {
    const stricter = structuredClone(specSchema);
    (stricter.required as string[]).push('new_required_field');
    expect(specFingerprint(stricter)).not.toBe(PRECOMPILED_SPEC_FINGERPRINT);
    const config = baseConfig('service_principal_secret');
    expect(() => validateAgainstSpec(specSchema, config)).not.toThrow();
    expect(() => validateAgainstSpec(stricter, config)).toThrow(ConnectorError);
    expect(() => validateAgainstSpec(stricter, config)).toThrow(/new_required_field is required/);
  });
});
