/** Scalar coercions: scan results omit keys, send nulls, and occasionally a value of another type. */

export function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function flag(value: unknown): boolean | null {
  return typeof value === 'boolean' ? value : null;
}

export function integer(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/**
 * The objects of an artifact list. Anything else in it (null, a string, a nested array) describes
 * no artifact and is skipped, so one damaged item never breaks the workspace's other records.
 */
export function list<T>(value: readonly T[] | null | undefined): readonly T[] {
  if (!Array.isArray(value)) return [];
  return (value as readonly unknown[]).filter(
    (item) => typeof item === 'object' && item !== null && !Array.isArray(item),
  ) as readonly T[];
}

export function strings(value: unknown): string[] | null {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : null;
}

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/i;

/**
 * Power BI writes times in UTC but mostly without an offset ("2025-02-11T09:12:44.83"); the
 * record carries them as RFC 3339 with "Z" so destinations type them as timestamps with zone.
 * Anything that is not such a timestamp becomes null rather than breaking the schema.
 */
export function utcDateTime(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  const match = isoDateTime.exec(trimmed);
  if (!match) return null;
  const withZone = match[2] === undefined ? `${trimmed}Z` : trimmed;
  return Number.isNaN(Date.parse(withZone)) ? null : withZone;
}
