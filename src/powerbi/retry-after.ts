/**
 * Parses a Retry-After header into a delay in ms. The header is either delta-seconds ("3392", what
 * Power BI sends for 429s) or an HTTP date (RFC 9110 section 10.2.3). Returns undefined when absent
 * or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (/^\d+\.\d+$/.test(text)) return Math.ceil(Number(text) * 1000);
  // Only accept real HTTP dates (they name a weekday or a month); Date.parse alone accepts junk.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
