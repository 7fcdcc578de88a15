/**
 * JSON inside a report definition: the decoded parts, and the JSON strings the legacy format nests
 * in them (report and visual `config`). Text from outside: nesting is bounded before parsing, and a
 * part or config that cannot be read becomes a named problem, never an exception.
 */
import { jsonDepthExceeds } from '../powerbi/json-guard.js';
import { isObject, type JsonObject } from '../powerbi/json-shapes.js';

/** No report part Power BI writes nests anywhere near this deep. */
export const MAX_DEFINITION_JSON_DEPTH = 128;

export function parseJsonObject(text: string, where: string, problems: string[]): JsonObject | undefined {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (jsonDepthExceeds(body, MAX_DEFINITION_JSON_DEPTH)) {
    problems.push(`${where}: nested deeper than ${MAX_DEFINITION_JSON_DEPTH} levels`);
    return undefined;
  }
  try {
    const value = JSON.parse(body) as unknown;
    if (isObject(value)) return value;
    problems.push(`${where}: not a JSON object`);
  } catch {
    problems.push(`${where}: not valid JSON`);
  }
  return undefined;
}

/** A legacy `config` string (or, rarely, an object already). */
export function embeddedObject(value: unknown, where: string, problems: string[]): JsonObject | undefined {
  if (isObject(value)) return value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return parseJsonObject(value, where, problems);
}

export function numberOr(value: unknown, fallback: number | null = null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A literal as the query language writes text: `'Sales by region'` with '' for a quote. */
export function literalText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const quoted = /^'(.*)'$/s.exec(value);
  return quoted ? quoted[1]!.replace(/''/g, "'") : value;
}
