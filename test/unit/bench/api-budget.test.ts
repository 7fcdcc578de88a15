/** The benchmark's model of the connector's polling and of Power BI's hourly budgets. */
import {
  apiBoundMinimumSeconds,
  BudgetLedger,
  overBudget,
  plannedScanCalls,
  pollPlan,
  SCANNER_BUDGETS,
} from '../../../scripts/bench/api-budget.js';

describe('pollPlan mirrors the connector: first wait P, then x1.5 up to max(P, min(8P, 60 s))', () => {
  test('polling at the scan duration sees the scan at the first poll', () => {
    expect(pollPlan(1, 1)).toEqual({ polls: 1, seenAfterS: 1 });
    expect(pollPlan(0.05, 0)).toEqual({ polls: 1, seenAfterS: 0.05 });
  });

  test("Microsoft's 30 s polling of a 20 s scan: one poll, seen at 30 s", () => {
    expect(pollPlan(30, 20)).toEqual({ polls: 1, seenAfterS: 30 });
  });

  test('a scan longer than the first wait: polls at 1, 2.5, 4.75 s for a 3 s scan', () => {
    expect(pollPlan(1, 3)).toEqual({ polls: 3, seenAfterS: 4.75 });
  });

  test('the backoff stops growing at 8 x P: a fast poll of a long scan costs many calls', () => {
    // Waits 0.05, 0.075, 0.1125, 0.16875, 0.253125, 0.3796875 (1.0390625 s), then 0.4 s each.
    const plan = pollPlan(0.05, 20);
    expect(plan.polls).toBe(6 + Math.ceil((20 - 1.0390625) / 0.4));
    expect(plan.seenAfterS).toBeGreaterThanOrEqual(20);
    expect(plan.seenAfterS).toBeLessThan(20.4 + 1e-9);
  });
});

test('the API-bound minimum: waves of 16 scans, each until its first Succeeded poll', () => {
  expect(apiBoundMinimumSeconds(70, 1, 1)).toBe(5 * 1);
  expect(apiBoundMinimumSeconds(70, 20, 30)).toBe(5 * 30);
  expect(apiBoundMinimumSeconds(16, 20, 30)).toBe(30);
  expect(apiBoundMinimumSeconds(17, 20, 30)).toBe(60);
});

test('one read: modified once, then getInfo, the polls and scanResult per batch', () => {
  expect(plannedScanCalls(70, { polls: 2, seenAfterS: 2.5 })).toEqual({
    modified: 1,
    getInfo: 70,
    scanStatus: 140,
    scanResult: 70,
  });
});

test('overBudget names the endpoints one read alone would exhaust', () => {
  expect(overBudget(plannedScanCalls(70, pollPlan(1, 1)))).toEqual([]);
  expect(overBudget(plannedScanCalls(212, pollPlan(0.05, 20)))).toEqual(['scanStatus']);
  expect(overBudget(plannedScanCalls(SCANNER_BUDGETS.getInfo + 1, pollPlan(1, 1)))).toEqual([
    'getInfo',
    'scanResult',
  ]);
});

describe('BudgetLedger', () => {
  const read = plannedScanCalls(70, pollPlan(1, 1));

  test('reads fit until the next one would pass a budget; a new hour starts empty', () => {
    const ledger = new BudgetLedger();
    const fitting = Math.floor(SCANNER_BUDGETS.getInfo / read.getInfo);
    for (let i = 0; i < fitting; i++) {
      expect(ledger.fits(read)).toBe(true);
      ledger.add(read);
    }
    expect(ledger.fits(read)).toBe(false);
    ledger.newHour();
    expect(ledger.fits(read)).toBe(true);
  });

  test('calls of endpoints without a scanner budget (token, groups) never block', () => {
    const ledger = new BudgetLedger();
    ledger.add({ token: 1_000_000, groups: 1_000_000 });
    expect(ledger.fits(read)).toBe(true);
  });

  test('admin/workspaces/modified: 30 an hour, one per read', () => {
    const ledger = new BudgetLedger();
    for (let i = 0; i < SCANNER_BUDGETS.modified; i++) ledger.add({ modified: 1 });
    expect(ledger.fits({ modified: 1 })).toBe(false);
  });
});
