/** Loads schemas/<stream>.json from the package root (package-root.ts). */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../config/package-root.js';
import { systemError } from '../errors.js';

export interface StreamJsonSchema {
  $schema: string;
  title: string;
  description?: string;
  type: 'object';
  additionalProperties: boolean;
  required: string[];
  properties: Record<string, Record<string, unknown>>;
}

const schemasDir = new URL('schemas/', pathToFileURL(`${packageRoot}/`));

export function loadStreamSchema(
  name: string,
  primaryKey: readonly string[],
  cursorField: string,
): StreamJsonSchema {
  const file = new URL(`${name}.json`, schemasDir);
  let schema: StreamJsonSchema;
  try {
    schema = JSON.parse(readFileSync(file, 'utf8')) as StreamJsonSchema;
  } catch (error) {
    throw systemError(`The connector package is incomplete: the schema of stream ${name} cannot be read.`, {
      internalMessage: `${file.pathname}: ${String(error)}`,
      cause: error,
    });
  }
  assertDeclared(schema, name, primaryKey, cursorField);
  return schema;
}

/**
 * A key field must be declared, required and a plain string, never an object, array or null; the
 * cursor field must be declared.
 */
function assertDeclared(
  schema: StreamJsonSchema,
  name: string,
  primaryKey: readonly string[],
  cursorField: string,
): void {
  for (const field of primaryKey) {
    const property = schema.properties[field];
    if (property?.type !== 'string' || !schema.required.includes(field)) {
      throw systemError(
        `The schema of stream ${name} does not declare its key field ${field} as a required string.`,
      );
    }
  }
  if (schema.properties[cursorField] === undefined) {
    throw systemError(`The schema of stream ${name} does not declare ${cursorField}.`);
  }
}
