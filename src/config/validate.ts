import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { precompiledValidators, PRECOMPILED_SPEC_FINGERPRINT } from '../generated/config-validators.js';
import { configError } from '../errors.js';

type Schema = Record<string, unknown>;

/** How the config's validators are compiled: here at run time, and by scripts/config-validators.ts. */
export const AJV_OPTIONS = {
  allErrors: true,
  useDefaults: true,
  strict: false,
  verbose: true,
} as const satisfies Options;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Dotted path for people: /credentials/tenant_id -> credentials.tenant_id, /a/0 -> a[0]. */
export function displayPath(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (child !== undefined) parts.push(child);
  return parts.reduce(
    (text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
}

const ABBREVIATION = /\b(?:e\.g|i\.e|etc|vs)$/i;

/**
 * The first sentence of a field's description, whole: it ends at a period followed by a space or
 * the end, outside parentheses and not after an abbreviation ("contoso.onmicrosoft.com", "/v1.0",
 * "(e.g. a private endpoint)" do not end it).
 */
export function firstSentence(text: unknown): string {
  if (typeof text !== 'string') return '';
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (char === '(') depth += 1;
    else if (char === ')') depth = Math.max(0, depth - 1);
    else if (char === '.' && depth === 0 && /^(?:\s|$)/.test(text.slice(i + 1, i + 2))) {
      if (!ABBREVIATION.test(text.slice(0, i))) return ` ${text.slice(0, i + 1).trim()}`;
    }
  }
  return ` ${text.trim()}`;
}

function describeError(error: ErrorObject): string {
  const schema = isObject(error.parentSchema) ? error.parentSchema : {};
  const path = displayPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${displayPath(error.instancePath, String(params.missingProperty))} is required.`;
    case 'pattern': {
      const expected =
        typeof schema.pattern_descriptor === 'string'
          ? `be a ${schema.pattern_descriptor}`
          : `match the pattern ${String(params.pattern)}`;
      return `${path} must ${expected}.${firstSentence(schema.description)}`;
    }
    case 'enum':
      return `${path} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}.`;
    case 'const':
      return `${path} must be ${JSON.stringify(params.allowedValue)}.`;
    case 'type':
      return `${path || 'the config'} must be ${String(params.type)}.${firstSentence(schema.description)}`;
    case 'maxLength':
      return `${path} is longer than ${String(params.limit)} characters: check that only the value was pasted.`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${path} must be ${String(params.comparison)} ${String(params.limit)}.${firstSentence(schema.description)}`;
    default:
      return `${path || 'the config'} ${error.message ?? 'is invalid'}.`;
  }
}

interface CredentialsOption {
  authType: string;
  schema: Schema;
}

/** The options of the credentials oneOf, each as the whole spec with only that option for credentials. */
export function credentialsOptions(specSchema: Schema): CredentialsOption[] {
  const properties = specSchema.properties as Record<string, Schema>;
  const { oneOf, display_type: _display, ...credentials } = properties.credentials!;
  return (oneOf as Schema[]).map((option) => ({
    authType: ((option.properties as Record<string, Schema>).auth_type!.const as string) ?? '',
    schema: { ...specSchema, properties: { ...properties, credentials: { ...credentials, ...option } } },
  }));
}

/** The credentials oneOf gives useless errors ("must match exactly one schema"), so pick the option by auth_type first. */
function selectCredentialsOption(specSchema: Schema, config: Record<string, unknown>): CredentialsOption {
  const options = credentialsOptions(specSchema);
  const allowed = options.map((o) => o.authType).join(', ');
  const credentials = config.credentials;
  if (!isObject(credentials)) {
    throw configError(`credentials is required: an object whose auth_type is one of ${allowed}.`);
  }
  const match = options.find((o) => o.authType === credentials.auth_type);
  if (!match) {
    const given = credentials.auth_type === undefined ? 'missing' : 'not recognised';
    throw configError(`credentials.auth_type is ${given}; set it to one of: ${allowed}.`);
  }
  return match;
}

/** Identifies a spec schema: the precompiled validators are used only for the schema they came from. */
export function specFingerprint(specSchema: Schema): string {
  return createHash('sha256').update(JSON.stringify(specSchema)).digest('hex');
}

const fingerprints = new WeakMap<Schema, string>();

const require = createRequire(import.meta.url);

/** ajv's compiler (~100 ms to load, as much again per compile): only for a schema not precompiled. */
function compileAtRunTime(schema: Schema): ValidateFunction {
  const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
  const addFormats = require('ajv-formats') as (ajv: Ajv) => Ajv;
  const ajv = new AjvClass(AJV_OPTIONS);
  addFormats(ajv);
  return ajv.compile(schema);
}

/**
 * spec.json's validators are compiled at build time (src/generated/config-validators.ts); a spec
 * that differs from the one they were generated from (edited, not regenerated) is compiled here.
 */
function validatorFor(specSchema: Schema, option: CredentialsOption): ValidateFunction {
  let fingerprint = fingerprints.get(specSchema);
  if (fingerprint === undefined) fingerprints.set(specSchema, (fingerprint = specFingerprint(specSchema)));
  const precompiled = precompiledValidators[option.authType];
  if (precompiled && fingerprint === PRECOMPILED_SPEC_FINGERPRINT) return precompiled;
  return compileAtRunTime(option.schema);
}

/** Option groups (objects with properties): an absent group becomes {} so its defaults apply. */
function optionGroups(specSchema: Schema): string[] {
  const properties = specSchema.properties as Record<string, Schema>;
  return Object.keys(properties).filter(
    (key) => properties[key]!.type === 'object' && !properties[key]!.oneOf,
  );
}

/**
 * Validates a config against spec.json's connectionSpecification and fills defaults. Returns a new
 * object; the input is left as the user wrote it (it is echoed back in CONTROL messages).
 * Error messages name the field, the problem and the fix, and never echo values.
 */
export function validateAgainstSpec(specSchema: Schema, input: unknown): Record<string, unknown> {
  if (!isObject(input)) throw configError('The config must be a JSON object. See spec.json for its fields.');
  const config = structuredClone(input);
  for (const key of optionGroups(specSchema)) config[key] ??= {};
  const validate = validatorFor(specSchema, selectCredentialsOption(specSchema, config));
  if (!validate(config)) {
    const problems = [...new Set((validate.errors ?? []).map(describeError))];
    throw configError(`Invalid config: ${problems.slice(0, 5).join(' ')}`, {
      internalMessage: `${problems.length} problem(s) in the config`,
    });
  }
  return config;
}
