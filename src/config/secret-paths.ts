/**
 * Finds the values of every field the spec marks `airbyte_secret`, wherever they sit in a config
 * (inside oneOf options and arrays too), so they can be registered with the redactor and checked.
 */
type Schema = Record<string, unknown>;

export interface SecretField {
  /** Dotted path for people, e.g. `credentials.client_secret`. */
  path: string;
  value: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function collectSecretFields(schema: Schema, value: unknown): SecretField[] {
  const found = new Map<string, SecretField>();
  visit(schema, value, '', found);
  return [...found.values()];
}

function visit(schema: Schema, value: unknown, path: string, found: Map<string, SecretField>): void {
  if (schema.airbyte_secret === true && typeof value === 'string') found.set(path, { path, value });
  if (Array.isArray(schema.oneOf)) {
    for (const option of schema.oneOf) if (isObject(option)) visit(option, value, path, found);
  }
  if (isObject(schema.properties) && isObject(value)) {
    for (const [key, child] of Object.entries(schema.properties)) {
      if (isObject(child)) visit(child, value[key], path ? `${path}.${key}` : key, found);
    }
  }
  if (isObject(schema.items) && Array.isArray(value)) {
    value.forEach((item, index) => visit(schema.items as Schema, item, `${path}[${index}]`, found));
  }
}
