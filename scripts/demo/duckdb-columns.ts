/** Table columns for a stream, from its JSON Schema: scalars typed, objects and arrays as JSON. */

export interface Column {
  name: string;
  type: string;
}

type Schema = { type?: string | string[]; format?: string; properties?: Record<string, Schema> };

function typeOf(schema: Schema): string {
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t) => t !== 'null');
  const [only] = types;
  if (types.length !== 1 || only === undefined) return 'JSON';
  switch (only) {
    case 'string':
      return schema.format === 'date-time' ? 'TIMESTAMPTZ' : 'VARCHAR';
    case 'integer':
      return 'BIGINT';
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'JSON';
  }
}

export function columnsOf(jsonSchema: unknown): Column[] {
  const properties = (jsonSchema as Schema).properties ?? {};
  return Object.entries(properties).map(([name, schema]) => ({ name, type: typeOf(schema) }));
}

/** A quoted SQL identifier (stream fields are camelCase). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
