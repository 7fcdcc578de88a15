/** Small readers for untyped JSON: Power BI's key casing varies ("id" vs "Id"), so keys are matched case-insensitively. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function field(object: JsonObject, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

export function stringField(object: JsonObject, name: string): string | undefined {
  const value = field(object, name);
  return typeof value === 'string' ? value : undefined;
}

export function arrayField(object: JsonObject, name: string): unknown[] | undefined {
  const value = field(object, name);
  return Array.isArray(value) ? value : undefined;
}
