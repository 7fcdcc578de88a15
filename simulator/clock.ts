/** Simulated clock: real time plus an offset that tests can push forward. */
export interface SimClock {
  now(): number;
  advance(ms: number): void;
}

export function createClock(startAt?: number): SimClock {
  let offset = startAt === undefined ? 0 : startAt - Date.now();
  return {
    now: () => Date.now() + offset,
    advance: (ms: number) => {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceClock needs a non-negative number of ms');
      offset += ms;
    },
  };
}

/** Power BI's timestamp style without zone suffix, e.g. 2025-02-11T09:12:44.83 (as in scan results). */
export function pbiLocalTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0*Z$/, '');
}

/** ISO-8601 UTC with 7 fractional digits, as getInfo/scanStatus report createdDateTime. */
export function pbiPreciseTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
