/** Validates records against the stream's own JSON Schema: strict types, real formats, nothing undeclared. */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { StreamDefinition } from '../../../src/streams/stream.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
const cache = new Map<string, ValidateFunction>();

export function validatorFor(stream: StreamDefinition): ValidateFunction {
  let validate = cache.get(stream.name);
  if (!validate) {
    // Undeclared top-level properties must fail even if a schema one day allows them.
    validate = ajv.compile({ ...stream.jsonSchema, additionalProperties: false });
    cache.set(stream.name, validate);
  }
  return validate;
}

export function schemaErrors(stream: StreamDefinition, record: unknown): string | null {
  const validate = validatorFor(stream);
  return validate(record) ? null : ajv.errorsText(validate.errors);
}
