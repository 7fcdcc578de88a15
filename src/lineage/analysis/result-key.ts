/**
 * What a table's lineage depends on, as one string: its M text, the options, and for every name
 * mentioned by it or by the dataset queries and tables it reaches, that query's or table's text or
 * parameter value (or that the name is neither, in which case the dataset's datasources count too:
 * such a name may be a structured data source). Undefined while a text involved has not been parsed yet.
 */
import { isLibraryName } from '../m/library.js';
import { datasetTexts } from './dataset-names.js';
import type { LineageCache } from './lineage-cache.js';
import type { MExpressionInput } from '../types.js';

export function resultKey(input: MExpressionInput, cache: LineageCache): string | undefined {
  const own = cache.namesOf(input.expression);
  if (own === undefined) return undefined;
  const texts = datasetTexts(input);
  const parameters = input.parameters ?? {};
  const seen = new Set<string>();
  const pending = [...(own ?? [])];
  const parts: string[] = [];
  const part = (name: string, kind: 'parameter' | 'query' | 'table' | 'self', value: string): number =>
    parts.push(JSON.stringify([name, kind, value]));
  let unknownNames = false;
  while (pending.length > 0) {
    const name = pending.pop() ?? '';
    if (seen.has(name)) continue;
    seen.add(name);
    if (Object.prototype.hasOwnProperty.call(parameters, name)) {
      part(name, 'parameter', parameters[name] ?? '');
    }
    const entry = texts.get(name);
    if (entry === undefined) {
      if (!Object.prototype.hasOwnProperty.call(parameters, name) && !isLibraryName(name))
        unknownNames = true;
      continue;
    }
    if (entry.table && name === input.tableName) {
      part(name, 'self', '');
      continue;
    }
    const names = cache.namesOf(entry.text);
    if (names === undefined) return undefined;
    part(name, entry.table ? 'table' : 'query', entry.text);
    if (names !== null) pending.push(...names);
  }
  parts.sort();
  const dataSources = unknownNames ? (input.dataSources ?? []) : [];
  // Whether columns are tracked changes the walk; which columns the model has does not (extract.ts).
  const tracked = input.columns !== undefined;
  return JSON.stringify([input.expression, input.options ?? {}, parts, dataSources, tracked]);
}
