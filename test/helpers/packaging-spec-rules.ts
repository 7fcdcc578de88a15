/**
 * The spec and catalog rules Airbyte's acceptance tests (CAT) enforce, as listed in
 * ../shared/airbyte/PROTOCOL-NOTES.md sections 4 and 5. Each function returns the broken rules as
 * readable strings (empty: all kept), so a test can show every problem at once.
 */
type Schema = Record<string, unknown>;

const SECRET_NAMES = new Set([
  'client_token',
  'access_token',
  'api_token',
  'token',
  'secret',
  'client_secret',
  'password',
  'key',
  'service_account_info',
  'service_account',
  'tenant_id',
  'certificate',
  'jwt',
  'credentials',
  'app_id',
  'appid',
  'refresh_token',
]);

const FORBIDDEN_KEYWORDS = [
  'not',
  'anyOf',
  'allOf',
  'patternProperties',
  'prefixItems',
  'if',
  'then',
  'else',
  'dependentSchemas',
  'dependentRequired',
  '$ref',
];

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface Visit {
  schema: Schema;
  path: string;
  /** The property name this schema is the value of, if any. */
  name?: string;
  topLevel: boolean;
}

/** Every schema node: properties, oneOf options and array items, recursively. */
function walk(root: Schema): Visit[] {
  const out: Visit[] = [];
  const visit = (schema: Schema, path: string, name: string | undefined, topLevel: boolean): void => {
    out.push({ schema, path, ...(name !== undefined && { name }), topLevel });
    if (isSchema(schema.properties)) {
      for (const [key, child] of Object.entries(schema.properties))
        if (isSchema(child)) visit(child, `${path}.${key}`, key, path === '');
    }
    if (Array.isArray(schema.oneOf)) {
      schema.oneOf.forEach((option, i) => {
        if (isSchema(option)) visit(option, `${path}.oneOf[${i}]`, undefined, false);
      });
    }
    if (isSchema(schema.items)) visit(schema.items, `${path}[]`, undefined, false);
  };
  visit(root, '', undefined, false);
  return out;
}

function typesOf(schema: Schema): string[] {
  return Array.isArray(schema.type)
    ? (schema.type as string[])
    : typeof schema.type === 'string'
      ? [schema.type]
      : [];
}

function secretProblems({ schema, path, name }: Visit): string[] {
  const scalar = typesOf(schema).some((t) => t === 'string' || t === 'integer' || t === 'number');
  const canBeSecret = scalar && !('const' in schema);
  if (schema.airbyte_secret === true && !canBeSecret)
    return [`${path}: objects, booleans and consts must not be airbyte_secret`];
  if (name !== undefined && SECRET_NAMES.has(name) && canBeSecret && schema.airbyte_secret !== true)
    return [`${path}: a ${name} field must be airbyte_secret`];
  return [];
}

function oneOfProblems({ schema, path }: Visit): string[] {
  if (!Array.isArray(schema.oneOf)) return [];
  const problems: string[] = [];
  if (schema.type !== 'object') problems.push(`${path}: a oneOf parent must be type object`);
  const options = schema.oneOf.filter(isSchema);
  if (options.some((o) => !isSchema(o.properties)))
    problems.push(`${path}: every oneOf option needs properties`);
  const constKeys = options.map(
    (o) =>
      new Set(
        Object.entries(isSchema(o.properties) ? o.properties : {})
          .filter(([, p]) => isSchema(p) && 'const' in p)
          .map(([k]) => k),
      ),
  );
  const shared = [...(constKeys[0] ?? [])].filter((k) => constKeys.every((set) => set.has(k)));
  if (shared.length !== 1) {
    problems.push(
      `${path}: the oneOf options must share exactly one const property (found ${shared.length})`,
    );
    return problems;
  }
  const key = shared[0]!;
  const consts = options.map((o) => (o.properties as Record<string, Schema>)[key]!);
  if (new Set(consts.map((c) => JSON.stringify(c.const))).size !== consts.length)
    problems.push(`${path}: the ${key} consts must differ between options`);
  for (const c of consts) {
    if ('default' in c && c.default !== c.const)
      problems.push(`${path}: ${key} default differs from its const`);
    if ('enum' in c && JSON.stringify(c.enum) !== JSON.stringify([c.const]))
      problems.push(`${path}: ${key} enum differs from its const`);
  }
  return problems;
}

function shapeProblems({ schema, path, topLevel }: Visit): string[] {
  const problems = FORBIDDEN_KEYWORDS.filter((k) => k in schema).map(
    (k) => `${path}: forbidden keyword ${k}`,
  );
  const types = typesOf(schema);
  if (Array.isArray(schema.type) && !(types.length === 2 && types[1] === 'null'))
    problems.push(`${path}: a type list must be [T, "null"]`);
  if (types.includes('object') && !isSchema(schema.properties) && !Array.isArray(schema.oneOf))
    problems.push(`${path}: an object needs properties or oneOf`);
  if (types.includes('array')) {
    const items = schema.items;
    const itemTypes = isSchema(items) ? typesOf(items) : [];
    const allowed = ['object', 'string', 'number', 'integer'];
    if (!isSchema(items) || !(itemTypes.some((t) => allowed.includes(t)) || 'enum' in items))
      problems.push(`${path}: array items must be one schema of object/string/number/integer or an enum`);
  }
  if ('additionalProperties' in schema && schema.additionalProperties !== true)
    problems.push(`${path}: additionalProperties must be true when present`);
  if (
    Array.isArray(schema.enum) &&
    new Set(schema.enum.map((e) => JSON.stringify(e))).size !== schema.enum.length
  )
    problems.push(`${path}: duplicate enum values`);
  if ('group' in schema && !topLevel) problems.push(`${path}: group is only allowed on top-level properties`);
  if (isSchema(schema.properties)) {
    const orders = new Map<string, unknown[]>();
    for (const child of Object.values(schema.properties)) {
      if (!isSchema(child) || child.order === undefined) continue;
      const group = typeof child.group === 'string' ? child.group : '';
      orders.set(group, [...(orders.get(group) ?? []), child.order]);
    }
    for (const [group, list] of orders)
      if (new Set(list).size !== list.length)
        problems.push(`${path}: duplicate order${group ? ` in group ${group}` : ''}`);
  }
  return problems;
}

/** Follows a path of property names through properties and oneOf options; the schemas found. */
export function schemasAtPath(root: Schema, keys: readonly string[]): Schema[] {
  let current: Schema[] = [root];
  for (const key of keys) {
    current = current.flatMap((s) => {
      const options = Array.isArray(s.oneOf) ? s.oneOf.filter(isSchema) : [s];
      return options.flatMap((o) =>
        isSchema(o.properties) && isSchema(o.properties[key]) ? [o.properties[key]] : [],
      );
    });
  }
  return current;
}

function pathsInConnectorConfig(value: unknown, out: string[][] = []): string[][] {
  if (Array.isArray(value)) value.forEach((v) => pathsInConnectorConfig(v, out));
  else if (isSchema(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'path_in_connector_config' && Array.isArray(child)) out.push(child as string[]);
      else pathsInConnectorConfig(child, out);
    }
  }
  return out;
}

function advancedAuthProblems(spec: Schema, connection: Schema): string[] {
  const auth = spec.advanced_auth;
  if (!isSchema(auth)) return [];
  const problems: string[] = [];
  const predicateKey = Array.isArray(auth.predicate_key) ? (auth.predicate_key as string[]) : [];
  const targets = schemasAtPath(connection, predicateKey);
  if (predicateKey.length > 0 && targets.length === 0)
    problems.push(`advanced_auth.predicate_key ${predicateKey.join('.')} is not in connectionSpecification`);
  if (predicateKey.length > 0 && !targets.some((t) => t.const === auth.predicate_value))
    problems.push('advanced_auth.predicate_value is not the const of any option');
  const parent = schemasAtPath(connection, predicateKey.slice(0, -1))[0];
  if (parent && Array.isArray(parent.oneOf)) {
    const first = parent.oneOf[0] as Schema | undefined;
    const firstConst = isSchema(first?.properties)
      ? (first.properties[predicateKey.at(-1)!] as Schema | undefined)?.const
      : undefined;
    if (firstConst !== auth.predicate_value) problems.push('the OAuth option must be the first oneOf option');
  }
  for (const configPath of pathsInConnectorConfig(auth.oauth_config_specification)) {
    if (schemasAtPath(connection, configPath).length === 0)
      problems.push(
        `advanced_auth path_in_connector_config ${configPath.join('.')} is not in connectionSpecification`,
      );
  }
  return problems;
}

/** CAT's spec rules for a ConnectorSpecification (the `spec` payload). */
export function specRuleViolations(spec: Schema): string[] {
  const connection = spec.connectionSpecification;
  if (!isSchema(connection)) return ['connectionSpecification is missing'];
  const visits = walk(connection);
  return [
    ...visits.flatMap(secretProblems),
    ...visits.flatMap(oneOfProblems),
    ...visits.flatMap(shapeProblems),
    ...advancedAuthProblems(spec, connection),
  ];
}

/** CAT's discovery rules for one AirbyteStream of a discovered catalog. */
export function streamRuleViolations(stream: Schema): string[] {
  const name = String(stream.name);
  const schema = isSchema(stream.json_schema) ? stream.json_schema : {};
  const properties = isSchema(schema.properties) ? (schema.properties as Record<string, Schema>) : {};
  const problems: string[] = [];
  const fieldAt = (path: unknown): Schema | undefined =>
    Array.isArray(path) && path.length === 1 && typeof path[0] === 'string' ? properties[path[0]] : undefined;
  for (const keyPath of (stream.source_defined_primary_key as unknown[] | undefined) ?? []) {
    const field = fieldAt(keyPath);
    if (!field) problems.push(`${name}: primary key ${JSON.stringify(keyPath)} is not a top-level property`);
    else if (typesOf(field).some((t) => t === 'object' || t === 'array'))
      problems.push(`${name}: primary key ${JSON.stringify(keyPath)} is an object or array`);
  }
  if (stream.default_cursor_field !== undefined && !fieldAt(stream.default_cursor_field))
    problems.push(`${name}: default_cursor_field is not in the schema`);
  if (stream.is_resumable === true && stream.source_defined_cursor === undefined)
    problems.push(`${name}: is_resumable needs source_defined_cursor`);
  if (!Array.isArray(stream.supported_sync_modes) || stream.supported_sync_modes.length === 0)
    problems.push(`${name}: no supported_sync_modes`);
  for (const keyword of ['$ref', 'allOf', 'not'])
    if (hasKeyword(schema, keyword)) problems.push(`${name}: json_schema uses ${keyword}`);
  if (hasAdditionalPropertiesOtherThanTrue(schema))
    problems.push(`${name}: json_schema has additionalProperties other than true`);
  return problems;
}

function hasKeyword(schema: unknown, keyword: string): boolean {
  if (!isSchema(schema)) return Array.isArray(schema) && schema.some((s) => hasKeyword(s, keyword));
  if (keyword in schema) return true;
  return Object.entries(schema).some(([key, child]) =>
    key === 'properties' && isSchema(child)
      ? Object.values(child).some((c) => hasKeyword(c, keyword))
      : key !== 'enum' && key !== 'const' && key !== 'examples' && hasKeyword(child, keyword),
  );
}

function hasAdditionalPropertiesOtherThanTrue(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(hasAdditionalPropertiesOtherThanTrue);
  if (!isSchema(schema)) return false;
  if ('additionalProperties' in schema && schema.additionalProperties !== true) return true;
  return Object.entries(schema).some(([key, child]) =>
    key === 'properties' && isSchema(child)
      ? Object.values(child).some(hasAdditionalPropertiesOtherThanTrue)
      : key !== 'enum' &&
        key !== 'const' &&
        key !== 'examples' &&
        hasAdditionalPropertiesOtherThanTrue(child),
  );
}
