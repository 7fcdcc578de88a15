/**
 * Which tables, columns and measures each semantic model the scan returned has, so that a visual's
 * field can be checked against the report's dataset. Names only, hashed (32-bit FNV-1a of the
 * lower-cased "kind|table|name"), so a tenant's whole model catalogue costs a few bytes per name;
 * a collision could only call a missing field present (about one in 4 billion per lookup).
 */
import type { ScanDataset } from '../powerbi/scan-types.js';
import { list, text } from './values.js';

type NameKind = 'column' | 'measure';

function fnv1a(textValue: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < textValue.length; i++) {
    hash ^= textValue.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function nameKey(kind: NameKind, table: string, name: string): number {
  return fnv1a(`${kind}|${table}|${name}`.toLowerCase());
}

export class DatasetSchemas {
  private readonly byDataset = new Map<string, Uint32Array>();

  /** Only datasets that came with tables (the scan asked for the schema and the tenant allows it). */
  add(dataset: ScanDataset): void {
    const id = text(dataset.id);
    const tables = list(dataset.tables);
    if (!id || tables.length === 0) return;
    const keys: number[] = [];
    for (const table of tables) {
      const tableName = text(table.name);
      if (!tableName) continue;
      for (const column of list(table.columns)) {
        const name = text(column.name);
        if (name) keys.push(nameKey('column', tableName, name));
      }
      for (const measure of list(table.measures)) {
        const name = text(measure.name);
        if (name) keys.push(nameKey('measure', tableName, name));
      }
    }
    this.byDataset.set(id.toLowerCase(), Uint32Array.from(keys).sort());
  }

  /** True or false when the dataset's schema is known; undefined when it is not. */
  has(
    datasetId: string | null,
    kind: NameKind,
    table: string | null,
    name: string | null,
  ): boolean | undefined {
    const keys = datasetId ? this.byDataset.get(datasetId.toLowerCase()) : undefined;
    if (!keys) return undefined;
    if (!table || !name) return false;
    return binarySearch(keys, nameKey(kind, table, name));
  }

  get size(): number {
    return this.byDataset.size;
  }
}

function binarySearch(sorted: Uint32Array, value: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = sorted[mid]!;
    if (at === value) return true;
    if (at < value) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}
