/**
 * Reads a Retry-After header (RFC 9110 section 10.2.3): delta-seconds ("3392", what Power BI sends
 * for 429s) or an HTTP date in one of the three forms a recipient must accept (IMF-fixdate, RFC 850,
 * asctime). Anything else is `invalid`: a negative number, junk, a date `Date.parse` would guess at,
 * or a wait longer than a day; the caller then ignores the header and uses its own backoff.
 */
export type RetryAfter =
  { kind: 'absent' } | { kind: 'delay'; ms: number } | { kind: 'invalid'; reason: string };

/** Longest wait a Retry-After may ask for; beyond it the header is taken as nonsense. */
export const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)';
const LONG_DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** Sun, 06 Nov 1994 08:49:37 GMT */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`, 'i');
/** Sunday, 06-Nov-94 08:49:37 GMT */
const RFC_850 = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`, 'i');
/** Sun Nov  6 08:49:37 1994 */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`, 'i');

export function readRetryAfter(value: string | undefined | null, nowMs: number): RetryAfter {
  if (value === undefined || value === null) return { kind: 'absent' };
  const text = value.trim();
  if (text === '') return { kind: 'invalid', reason: 'empty' };
  // Fractions are not in the RFC but are unambiguous; anything signed or exponent-shaped is not.
  if (/^\d+(\.\d+)?$/.test(text)) return bounded(Math.ceil(Number(text) * 1000));
  if (/^[-+]?[\d.eE+-]+$/.test(text)) return { kind: 'invalid', reason: 'not a number of seconds >= 0' };
  const at = httpDate(text);
  if (at === undefined) return { kind: 'invalid', reason: 'neither seconds nor an HTTP date' };
  return bounded(Math.max(0, at - nowMs));
}

/** The delay in ms, or undefined when the header is absent or invalid. */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | undefined {
  const read = readRetryAfter(value, nowMs);
  return read.kind === 'delay' ? read.ms : undefined;
}

function bounded(ms: number): RetryAfter {
  if (!Number.isFinite(ms) || ms > MAX_RETRY_AFTER_MS) return { kind: 'invalid', reason: 'more than a day' };
  return { kind: 'delay', ms };
}

function httpDate(text: string): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m) return utc(m[3], m[2], m[1], m[4], m[5], m[6]);
  m = RFC_850.exec(text);
  if (m) {
    // Two-digit years: RFC 9110 says a date more than 50 years ahead is in the past century.
    const yy = Number(m[3]);
    const thisYear = new Date().getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + yy;
    if (year > thisYear + 50) year -= 100;
    return utc(String(year), m[2], m[1], m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(text);
  if (m) return utc(m[6], m[1], m[2], m[3], m[4], m[5]);
  return undefined;
}

function utc(...parts: Array<string | undefined>): number | undefined {
  const [yearText, monthText, dayText, hourText, minuteText, secondText] = parts;
  const month = MONTHS.indexOf((monthText ?? '').toLowerCase());
  const [year, day, hour, minute, second] = [yearText, dayText, hourText, minuteText, secondText].map((p) =>
    Number((p ?? '').trim()),
  ) as [number, number, number, number, number];
  if (month < 0 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const at = Date.UTC(year, month, day, hour, minute, Math.min(second, 59));
  // Rejects 31 Feb and the like instead of rolling over into the next month.
  if (new Date(at).getUTCDate() !== day) return undefined;
  return at;
}
