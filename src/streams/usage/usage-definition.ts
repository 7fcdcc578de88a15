/**
 * Declares a usage stream (activity events, refresh history, apps): name, key and the JSON Schema
 * from schemas/<name>.json. Unlike scan streams these records have no scannedAt, and no mapping
 * from a scanned workspace: the commands layer reads them with their own API calls.
 */
import { readFileSync } from 'node:fs';
import { systemError } from '../../errors.js';
import type { StreamDefinition, StreamJsonSchema } from '../stream.js';

const schemasDir = new URL('../../../schemas/', import.meta.url);

export function defineUsageStream<R extends object>(
  name: string,
  primaryKey: (keyof R & string)[],
): StreamDefinition {
  let jsonSchema: StreamJsonSchema;
  try {
    jsonSchema = JSON.parse(readFileSync(new URL(`${name}.json`, schemasDir), 'utf8')) as StreamJsonSchema;
  } catch (error) {
    throw systemError(`The connector package is incomplete: the schema of stream ${name} cannot be read.`, {
      cause: error,
    });
  }
  for (const field of primaryKey) {
    if (jsonSchema.properties[field]?.type !== 'string' || !jsonSchema.required.includes(field))
      throw systemError(
        `The schema of stream ${name} does not declare its key field ${field} as a required string.`,
      );
  }
  return { name, primaryKey: primaryKey.map((field) => [field]), jsonSchema };
}
