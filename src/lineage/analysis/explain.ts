/**
 * Core of the `explain-m` command: one JSON line in, one JSON line out.
 * In:  {"id", "expression", "expressions"?: [{"name","expression"}], "tables"?: [{"name","expression"}],
 *       "tableName"?, "dataSources"?: [{"type","server"?,"database"?,"url"?,"path"?}], "parameters"?: {...}, "options"?: {...}}
 * Out: {"id", "upstreams": [...], "diagnostics": [...]}, or {"id", "error"} when the line is not usable.
 */
import { extractMLineage } from './extract.js';
import type { LineageCache } from './lineage-cache.js';
import type { DataSourceHint, LineageOptions, MExpressionInput, NamedExpression } from '../types.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function errorLine(id: unknown, error: string): string {
  return JSON.stringify({ id: id ?? null, error });
}

function namedExpressions(value: unknown, field = 'expressions'): NamedExpression[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return `"${field}" must be an array of {"name","expression"}`;
  const out: NamedExpression[] = [];
  for (const item of value as unknown[]) {
    if (!isRecord(item) || typeof item['name'] !== 'string' || typeof item['expression'] !== 'string') {
      return `each item of "${field}" needs string "name" and "expression"`;
    }
    out.push({ name: item['name'], expression: item['expression'] });
  }
  return out;
}

const HINT_FIELDS = ['server', 'database', 'url', 'path'] as const;

function dataSourceHints(value: unknown): DataSourceHint[] | string {
  if (value === undefined) return [];
  const problem =
    '"dataSources" must be an array of {"type", "server"?, "database"?, "url"?, "path"?} with text values';
  if (!Array.isArray(value)) return problem;
  const out: DataSourceHint[] = [];
  for (const item of value as unknown[]) {
    if (!isRecord(item) || typeof item['type'] !== 'string') return problem;
    const hint: DataSourceHint = { type: item['type'] };
    for (const field of HINT_FIELDS) {
      const given = item[field];
      if (given === undefined) continue;
      if (typeof given !== 'string') return problem;
      hint[field] = given;
    }
    out.push(hint);
  }
  return out;
}

function textRecord(value: unknown): Record<string, string> | string {
  if (value === undefined) return {};
  if (!isRecord(value)) return '"parameters" must be an object of name -> text value';
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean')
      out[key] = String(item);
    else return `parameter "${key}" must be a text, number or boolean`;
  }
  return out;
}

function mergeOptions(defaults: LineageOptions | undefined, given: unknown): LineageOptions | string {
  if (given !== undefined && !isRecord(given)) return '"options" must be an object';
  const line = (given ?? {}) as LineageOptions;
  const merged: LineageOptions = { ...defaults, ...line };
  if (defaults?.odbcDsnMap !== undefined || line.odbcDsnMap !== undefined) {
    merged.odbcDsnMap = { ...defaults?.odbcDsnMap, ...line.odbcDsnMap };
  }
  return merged;
}

function inputOf(request: Json, defaults: LineageOptions | undefined): MExpressionInput | string {
  if (typeof request['expression'] !== 'string') return '"expression" must be a string';
  const expressions = namedExpressions(request['expressions']);
  if (typeof expressions === 'string') return expressions;
  const parameters = textRecord(request['parameters']);
  if (typeof parameters === 'string') return parameters;
  const options = mergeOptions(defaults, request['options']);
  if (typeof options === 'string') return options;
  const tables = namedExpressions(request['tables'], 'tables');
  if (typeof tables === 'string') return tables;
  const dataSources = dataSourceHints(request['dataSources']);
  if (typeof dataSources === 'string') return dataSources;
  const columns = request['columns'];
  if (columns !== undefined && !(Array.isArray(columns) && columns.every((c) => typeof c === 'string')))
    return '"columns" must be an array of column names';
  const tableName = request['tableName'];
  if (tableName !== undefined && typeof tableName !== 'string') return '"tableName" must be a string';
  return {
    expression: request['expression'],
    expressions,
    tables,
    dataSources,
    parameters,
    options,
    ...(tableName === undefined ? {} : { tableName }),
    ...(columns === undefined ? {} : { columns: columns }),
  };
}

export async function explainLine(
  jsonLine: string,
  defaults?: LineageOptions,
  cache?: LineageCache,
  requireColumns = false,
): Promise<string> {
  let request: unknown;
  try {
    request = JSON.parse(jsonLine);
  } catch (error) {
    return errorLine(null, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(request)) return errorLine(null, 'each line must be a JSON object');
  const id = request['id'];
  const input = inputOf(request, defaults);
  if (typeof input === 'string') return errorLine(id, input);
  if (requireColumns && input.columns === undefined)
    return errorLine(id, 'with --columns each line needs "columns": the names of the table\'s columns');
  const result = await extractMLineage(input, cache);
  const answer = { id: id ?? null, upstreams: result.upstreams, diagnostics: result.diagnostics };
  return JSON.stringify(result.columns === undefined ? answer : { ...answer, columns: result.columns });
}
