/**
 * Fields out of Power BI's semantic-query expressions, shared by both definition formats: a
 * `Column`, `Measure`, `Aggregation` (of a column) or `HierarchyLevel` whose `SourceRef` names the
 * model table directly (`Entity`, PBIR) or through an alias of the query's From clause (`Source`,
 * PBIR-Legacy prototypeQuery). Other expressions (literals, arithmetic…) show no model field.
 * https://developer.microsoft.com/json-schemas/fabric/item/report/definition/semanticQuery/1.0.0/schema.json
 */
import { field, isObject, stringField, type JsonObject } from '../powerbi/json-shapes.js';
import type { VisualField } from './report-definition-model.js';

/** Power BI's QueryAggregateFunction, by number. */
const AGGREGATIONS = [
  'Sum',
  'Avg',
  'Count',
  'Min',
  'Max',
  'CountNonNull',
  'Median',
  'StandardDeviation',
  'Variance',
];

/** The From clause of a legacy prototypeQuery: alias → table (and schema: `extension` for report-level entities). */
export type SourceAliases = ReadonlyMap<string, { entity: string; schema: string | null }>;

const NO_ALIASES: SourceAliases = new Map();

interface TableRef {
  table: string | null;
  /** The reference goes through the report's own extension schema (report-level measures). */
  extension: boolean;
}

export function aliasesOf(from: unknown): SourceAliases {
  const aliases = new Map<string, { entity: string; schema: string | null }>();
  if (!Array.isArray(from)) return aliases;
  for (const item of from) {
    if (!isObject(item)) continue;
    const name = stringField(item, 'Name');
    const entity = stringField(item, 'Entity');
    if (name && entity) aliases.set(name, { entity, schema: stringField(item, 'Schema') ?? null });
  }
  return aliases;
}

function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const child = field(value, key);
  return isObject(child) ? child : undefined;
}

function tableOf(expression: unknown, aliases: SourceAliases): TableRef {
  const ref = objectAt(expression, 'SourceRef');
  if (!ref) return { table: null, extension: false };
  const source = stringField(ref, 'Source');
  const alias = source !== undefined ? aliases.get(source) : undefined;
  const schema = stringField(ref, 'Schema') ?? alias?.schema ?? null;
  return {
    table: stringField(ref, 'Entity') ?? alias?.entity ?? null,
    extension: schema?.toLowerCase() === 'extension',
  };
}

function blank(role: string | null, queryRef: string | null): Omit<VisualField, 'kind'> {
  return {
    role,
    table: null,
    column: null,
    measure: null,
    aggregation: null,
    hierarchy: null,
    level: null,
    queryRef,
    reportMeasure: false,
  };
}

/** HierarchyLevel: a user hierarchy of a table, or the automatic date hierarchy of a date column. */
function hierarchyLevel(level: JsonObject, aliases: SourceAliases): Partial<VisualField> {
  const hierarchy = objectAt(objectAt(level, 'Expression'), 'Hierarchy');
  const inner = hierarchy ? field(hierarchy, 'Expression') : undefined;
  const variation = objectAt(inner, 'PropertyVariationSource');
  const ref = tableOf(variation ? field(variation, 'Expression') : inner, aliases);
  return {
    table: ref.table,
    // The automatic date hierarchy hangs off a date column: that column is what the visual shows.
    column: variation ? (stringField(variation, 'Property') ?? null) : null,
    hierarchy: hierarchy ? (stringField(hierarchy, 'Hierarchy') ?? null) : null,
    level: stringField(level, 'Level') ?? null,
  };
}

/**
 * The field a query expression shows, or undefined when it shows none. `role` is the visual's
 * bucket and `queryRef` the name the visual knows the field by.
 */
export function fieldOf(
  expression: unknown,
  role: string | null,
  queryRef: string | null,
  aliases: SourceAliases = NO_ALIASES,
): VisualField | undefined {
  const base = blank(role, queryRef);
  const column = objectAt(expression, 'Column');
  if (column) {
    const ref = tableOf(field(column, 'Expression'), aliases);
    return { ...base, kind: 'column', table: ref.table, column: stringField(column, 'Property') ?? null };
  }
  const measure = objectAt(expression, 'Measure');
  if (measure) {
    const ref = tableOf(field(measure, 'Expression'), aliases);
    const name = stringField(measure, 'Property') ?? null;
    return { ...base, kind: 'measure', table: ref.table, measure: name, reportMeasure: ref.extension };
  }
  const aggregation = objectAt(expression, 'Aggregation');
  if (aggregation) {
    const inner = fieldOf(field(aggregation, 'Expression'), role, queryRef, aliases);
    const fn = field(aggregation, 'Function');
    const name = typeof fn === 'number' ? (AGGREGATIONS[fn] ?? `Function${fn}`) : null;
    return { ...(inner ?? base), kind: 'aggregation', aggregation: name };
  }
  const level = objectAt(expression, 'HierarchyLevel');
  if (level) return { ...base, kind: 'hierarchy_level', ...hierarchyLevel(level, aliases) };
  return undefined;
}
