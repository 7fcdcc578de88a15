import { planActivityWindows } from '../../../src/streams/activity-window.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('planActivityWindows', () => {
  it('a first read covers backfill_days UTC days, today included, up to now minus the settle time', () => {
    const plan = planActivityWindows({
      cursor: undefined,
      now: at('2026-03-10T12:30:00Z'),
      backfillDays: 3,
      settleMinutes: 60,
    });
    expect(plan.windows.map((w) => [w.day, iso(w.from), iso(w.to)])).toEqual([
      ['2026-03-08', '2026-03-08T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
      ['2026-03-09', '2026-03-09T00:00:00.000Z', '2026-03-10T00:00:00.000Z'],
      ['2026-03-10', '2026-03-10T00:00:00.000Z', '2026-03-10T11:30:00.000Z'],
    ]);
    expect(plan.lostFrom).toBeUndefined();
  });

  it('an incremental read starts exactly at the cursor, inside its day', () => {
    const plan = planActivityWindows({
      cursor: at('2026-03-09T17:45:10Z'),
      now: at('2026-03-10T02:00:00Z'),
      backfillDays: 30,
      settleMinutes: 60,
    });
    expect(plan.windows.map((w) => [w.day, iso(w.from), iso(w.to)])).toEqual([
      ['2026-03-09', '2026-03-09T17:45:10.000Z', '2026-03-10T00:00:00.000Z'],
      ['2026-03-10', '2026-03-10T00:00:00.000Z', '2026-03-10T01:00:00.000Z'],
    ]);
  });

  it('never asks for more than 30 days back and reports the gap of an older cursor', () => {
    const plan = planActivityWindows({
      cursor: at('2026-01-01T00:00:00Z'),
      now: at('2026-03-10T12:00:00Z'),
      backfillDays: 7,
      settleMinutes: 60,
    });
    expect(plan.windows).toHaveLength(30);
    expect(plan.windows[0]?.day).toBe('2026-02-09');
    expect(iso(plan.lostFrom!)).toBe('2026-01-01T00:00:00.000Z');
  });

  it('has nothing to read while the cursor is past the horizon', () => {
    const plan = planActivityWindows({
      cursor: at('2026-03-10T11:50:00Z'),
      now: at('2026-03-10T12:00:00Z'),
      backfillDays: 7,
      settleMinutes: 60,
    });
    expect(plan.windows).toEqual([]);
  });
});
