import fc from 'fast-check';
import { readScanState, type ScanState } from '../../../src/commands/read/scan-state.js';
import { planSync, type PlanInput } from '../../../src/commands/read/sync-plan.js';
import { CompletionWatermark } from '../../../src/commands/read/watermark.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const MIN = 60 * 1000;
const DAY = 24 * 60 * MIN;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function plan(states: (ScanState | undefined)[], overrides: Partial<PlanInput> = {}) {
  return planSync({
    streams: states.map((state, i) => ({ name: `s${i}`, syncMode: 'incremental' as const, state })),
    now: NOW,
    lookbackMinutes: 60,
    fullRefreshEveryDays: 7,
    ...overrides,
  });
}

describe('planSync', () => {
  test('no state means a full scan', () => {
    expect(plan([undefined]).mode).toBe('full');
  });

  test('a stream in full_refresh forces a full scan for the shared scan', () => {
    const state: ScanState = { version: 1, cursor: ago(DAY), lastFullScanAt: ago(DAY) };
    const result = planSync({
      streams: [{ name: 'a', syncMode: 'full_refresh', state }],
      now: NOW,
      lookbackMinutes: 60,
      fullRefreshEveryDays: 7,
    });
    expect(result.mode).toBe('full');
  });

  test('incremental asks for changes since the oldest cursor minus the lookback', () => {
    const result = plan([
      { version: 1, cursor: ago(2 * DAY), lastFullScanAt: ago(3 * DAY) },
      { version: 1, cursor: ago(DAY), lastFullScanAt: ago(3 * DAY) },
    ]);
    expect(result.mode).toBe('incremental');
    expect(result.modifiedSince?.toISOString()).toBe(ago(2 * DAY + 60 * MIN));
    expect(result.syncStartedAt).toEqual(NOW);
  });

  test('a sync 5 minutes after the last one still asks for a window Power BI accepts (≥ 30 minutes old)', () => {
    const result = plan([{ version: 1, cursor: ago(5 * MIN), lastFullScanAt: ago(DAY) }], {
      lookbackMinutes: 30,
    });
    expect(result.mode).toBe('incremental');
    expect(NOW.getTime() - result.modifiedSince!.getTime()).toBeGreaterThanOrEqual(35 * MIN);
  });

  test('a cursor older than 30 days falls back to a full scan and says why', () => {
    const result = plan([{ version: 1, cursor: ago(31 * DAY), lastFullScanAt: ago(31 * DAY) }], {
      fullRefreshEveryDays: 0,
    });
    expect(result.mode).toBe('full');
    expect(result.reasons[0]).toMatch(/older than the 30 days/);
  });

  test('full_refresh_every_days forces a periodic reconciliation', () => {
    const state: ScanState = { version: 1, cursor: ago(DAY), lastFullScanAt: ago(8 * DAY) };
    expect(plan([state]).mode).toBe('full');
    expect(plan([state], { fullRefreshEveryDays: 0 }).mode).toBe('incremental');
  });

  test('a pending sync resumes with its original start time and the smallest done id', () => {
    const pending = { syncStartedAt: ago(10 * MIN), mode: 'full' as const };
    const result = plan([
      { version: 1, pending: { ...pending, doneThroughId: 'b' } },
      { version: 1, pending: { ...pending, doneThroughId: 'a' } },
    ]);
    expect(result).toMatchObject({
      mode: 'full',
      resumeAfterId: 'a',
      syncStartedAt: new Date(ago(10 * MIN)),
    });
  });

  test('failed workspaces of the last sync are carried into the next one', () => {
    const result = plan([
      { version: 1, cursor: ago(DAY), lastFullScanAt: ago(DAY), retryWorkspaceIds: ['w1'] },
    ]);
    expect(result.retryWorkspaceIds).toEqual(['w1']);
  });

  test('for any states, modifiedSince (when set) lies inside the API window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 * DAY }),
        fc.integer({ min: 0, max: 1440 }),
        (cursorAge, lookback) => {
          const result = plan([{ version: 1, cursor: ago(cursorAge), lastFullScanAt: ago(cursorAge) }], {
            lookbackMinutes: lookback,
            fullRefreshEveryDays: 0,
          });
          if (result.mode === 'incremental') {
            const age = NOW.getTime() - result.modifiedSince!.getTime();
            expect(age).toBeGreaterThanOrEqual(30 * MIN);
            expect(age).toBeLessThanOrEqual(30 * DAY);
            expect(result.modifiedSince!.getTime()).toBeLessThanOrEqual(
              Date.parse(ago(cursorAge)) - 30 * MIN,
            );
          }
        },
      ),
    );
  });
});

describe('readScanState', () => {
  test('accepts its own state', () => {
    const raw = { version: 1, cursor: ago(DAY), lastFullScanAt: ago(2 * DAY) };
    expect(readScanState(raw, NOW)).toEqual({ state: raw });
  });

  test.each([
    [{ cursor: ago(DAY) }, /not written by this connector/],
    [{ version: 1, cursor: 'yesterday' }, /cursor is not a date-time/],
    [{ version: 1, cursor: '2099-01-01T00:00:00Z' }, /lies in the future/],
  ])('drops %j with a warning', (raw, warning) => {
    const result = readScanState(raw, NOW);
    expect(result.state).toBeUndefined();
    expect(result.warning).toMatch(warning);
  });

  test('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (raw) => {
        const result = readScanState(raw, NOW);
        expect(result.state === undefined || result.state.version === 1).toBe(true);
      }),
    );
  });
});

describe('CompletionWatermark', () => {
  test('only advances over the contiguous finished prefix', () => {
    const mark = new CompletionWatermark(['a', 'b', 'c', 'd']);
    expect(mark.complete(['c'])).toBe(false);
    expect(mark.doneThroughId).toBeUndefined();
    expect(mark.complete(['a'])).toBe(true);
    expect(mark.doneThroughId).toBe('a');
    expect(mark.complete(['b'])).toBe(true);
    expect(mark.doneThroughId).toBe('c');
    expect(mark.finished).toBe(false);
    mark.complete(['d']);
    expect(mark.finished).toBe(true);
  });
});
