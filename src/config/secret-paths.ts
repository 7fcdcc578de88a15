/**
 * Finds the values of every field the spec marks `airbyte_secret`, wherever they sit in a config
 * (inside oneOf options and arrays too), so they can be registered with the redactor.
 */
type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function collectSecretValues(schema: Schema, value: unknown): string[] {
  const found: string[] = [];
  visit(schema, value, found);
  return found;
}

function visit(schema: Schema, value: unknown, found: string[]): void {
  if (schema.airbyte_secret === true && typeof value === 'string') found.push(value);
  if (Array.isArray(schema.oneOf)) {
    for (const option of schema.oneOf) if (isObject(option)) visit(option, value, found);
  }
  if (isObject(schema.properties) && isObject(value)) {
    for (const [key, child] of Object.entries(schema.properties)) {
      if (isObject(child)) visit(child, value[key], found);
    }
  }
  if (isObject(schema.items) && Array.isArray(value)) {
    for (const item of value) visit(schema.items, item, found);
  }
}
