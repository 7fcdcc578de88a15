/**
 * What a table's lineage depends on, as one string: its M text, the options, and for every name
 * mentioned by it or by the dataset queries it reaches, that query's text or parameter value (or
 * that the name is neither). Undefined while a text involved has not been parsed yet.
 */
import type { LineageCache } from './lineage-cache.js';
import type { MExpressionInput } from '../types.js';

export function resultKey(input: MExpressionInput, cache: LineageCache): string | undefined {
  const own = cache.namesOf(input.expression);
  if (own === undefined) return undefined;
  const texts = new Map<string, string>();
  for (const named of input.expressions ?? []) texts.set(named.name, named.expression);
  const parameters = input.parameters ?? {};
  const seen = new Set<string>();
  const pending = [...(own ?? [])];
  const parts: string[] = [];
  const part = (name: string, kind: 'parameter' | 'query', value: string): number =>
    parts.push(JSON.stringify([name, kind, value]));
  while (pending.length > 0) {
    const name = pending.pop() ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    if (Object.prototype.hasOwnProperty.call(parameters, name)) {
      part(name, 'parameter', parameters[name] ?? '');
    }
    const text = texts.get(name);
    if (text === undefined) continue;
    const names = cache.namesOf(text);
    if (names === undefined) return undefined;
    part(name, 'query', text);
    if (names !== null) pending.push(...names);
  }
  parts.sort();
  return JSON.stringify([input.expression, input.options ?? {}, parts]);
}
