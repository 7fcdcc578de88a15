import fc from 'fast-check';
import { MAX_RETRY_AFTER_MS, parseRetryAfter, readRetryAfter } from '../../../src/powerbi/retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-28T09:00:00Z');

  it('reads delta-seconds as Power BI sends them', () => {
    expect(parseRetryAfter('3392', now)).toBe(3_392_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter('Sat, 28 Nov 2026 09:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Sat, 28 Nov 2026 08:00:00 GMT', now)).toBe(0);
  });

  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('12abc', now)).toBeUndefined();
  });
});

describe('readRetryAfter (strict)', () => {
  const now = Date.parse('2026-11-28T09:00:00Z');

  it('accepts delta-seconds up to a day and the three HTTP date forms', () => {
    expect(readRetryAfter('86400', now)).toEqual({ kind: 'delay', ms: 86_400_000 });
    expect(readRetryAfter('Sat, 28 Nov 2026 09:01:30 GMT', now)).toEqual({ kind: 'delay', ms: 90_000 });
    expect(readRetryAfter('Saturday, 28-Nov-26 09:01:30 GMT', now)).toEqual({ kind: 'delay', ms: 90_000 });
    expect(readRetryAfter('Sat Nov 28 09:01:30 2026', now)).toEqual({ kind: 'delay', ms: 90_000 });
    expect(readRetryAfter('Sat Nov  8 09:00:00 2026', now)).toEqual({ kind: 'delay', ms: 0 });
    expect(readRetryAfter(undefined, now)).toEqual({ kind: 'absent' });
  });

  it.each([
    ['-5', /seconds >= 0/],
    ['garbage', /neither/],
    ['', /empty/],
    ['1e3', /seconds >= 0/],
    ['+5', /seconds >= 0/],
    ['86401', /more than a day/],
    ['99999999999999999999999', /more than a day/],
    ['Sat, 28 Nov 2099 09:00:00 GMT', /more than a day/],
    // What Date.parse would read as a date (2001, 2030...), but no HTTP date.
    ['garbage 5', /neither/],
    ['foo 2030', /neither/],
    ['5, 5', /neither/],
    ['Sat, 31 Feb 2026 09:00:00 GMT', /neither/],
    ['Sat, 28 Nov 2026 25:00:00 GMT', /neither/],
    ['Sat, 28 Nov 2026 09:00:00 PST', /neither/],
  ])('rejects %j', (value, reason) => {
    const read = readRetryAfter(value, now);
    expect(read.kind).toBe('invalid');
    expect(read.kind === 'invalid' && read.reason).toMatch(reason);
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('never returns a negative, infinite or over-a-day delay for any input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        const read = readRetryAfter(value, now);
        if (read.kind === 'delay') {
          expect(read.ms).toBeGreaterThanOrEqual(0);
          expect(read.ms).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
        }
      }),
    );
  });
});
