/**
 * Core of the `explain-m` command: one JSON line in, one JSON line out.
 * In:  {"id", "expression", "expressions"?: [{"name","expression"}], "parameters"?: {...}, "options"?: {...}}
 * Out: {"id", "upstreams": [...], "diagnostics": [...]}, or {"id", "error"} when the line is not usable.
 */
import { extractMLineage } from './extract.js';
import type { LineageCache } from './lineage-cache.js';
import type { LineageOptions, MExpressionInput, NamedExpression } from '../types.js';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function errorLine(id: unknown, error: string): string {
  return JSON.stringify({ id: id ?? null, error });
}

function namedExpressions(value: unknown): NamedExpression[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return '"expressions" must be an array of {"name","expression"}';
  const out: NamedExpression[] = [];
  for (const item of value as unknown[]) {
    if (!isRecord(item) || typeof item['name'] !== 'string' || typeof item['expression'] !== 'string') {
      return 'each item of "expressions" needs string "name" and "expression"';
    }
    out.push({ name: item['name'], expression: item['expression'] });
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
  return { expression: request['expression'], expressions, parameters, options };
}

export async function explainLine(
  jsonLine: string,
  defaults?: LineageOptions,
  cache?: LineageCache,
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
  const result = await extractMLineage(input, cache);
  return JSON.stringify({ id: id ?? null, upstreams: result.upstreams, diagnostics: result.diagnostics });
}
