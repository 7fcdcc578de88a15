/**
 * Scanner polling and Power BI's hourly budgets, as the benchmark plans them. Microsoft allows per
 * hour: admin/workspaces/modified 30, getInfo 500, scanStatus 10,000, scanResult 500; at most 16
 * scans in flight; it recommends polling scanStatus every 30-60 s (docs/benchmark.md). The
 * simulator enforces the same budgets, per caller, over its own clock.
 */

export const SCANNER_BUDGETS = { modified: 30, getInfo: 500, scanStatus: 10_000, scanResult: 500 } as const;
export type ScannerEndpoint = keyof typeof SCANNER_BUDGETS;
export type Calls = Partial<Record<string, number>>;

export const MAX_SCANS_IN_FLIGHT = 16;
export const WORKSPACES_PER_SCAN = 100;
/** Microsoft's recommended scanStatus polling interval is 30-60 s; --realistic polls at its lower end. */
export const REALISTIC_POLL_SECONDS = 30;
/**
 * Microsoft documents no scan duration; 20 s is what issue 16 took as realistic for a batch of 100
 * workspaces with every flag on.
 */
export const REALISTIC_SCAN_MS = 20_000;
export const HOUR_MS = 3_600_000;

export interface PollPlan {
  /** scanStatus calls per scan. */
  polls: number;
  /** Seconds after getInfo when the connector first sees `Succeeded`. */
  seenAfterS: number;
}

/**
 * The connector's poll schedule (src/powerbi/scan-job.ts): first wait P, then x1.5 per poll up to
 * max(P, min(8P, 60 s)); a scan of L seconds is seen at the first poll at or after L.
 */
export function pollPlan(pollS: number, scanS: number): PollPlan {
  const cap = Math.max(pollS, Math.min(pollS * 8, 60));
  let interval = pollS;
  let elapsed = pollS;
  let polls = 1;
  while (elapsed < scanS) {
    interval = Math.min(interval * 1.5, cap);
    elapsed += interval;
    polls += 1;
  }
  return { polls, seenAfterS: elapsed };
}

export function scanBatches(workspaces: number): number {
  return Math.ceil(workspaces / WORKSPACES_PER_SCAN);
}

/** Scans run in waves of 16; each takes until its status is first seen Succeeded. */
export function apiBoundMinimumSeconds(batches: number, scanS: number, pollS: number): number {
  return Math.ceil(batches / MAX_SCANS_IN_FLIGHT) * pollPlan(pollS, scanS).seenAfterS;
}

/** Scanner calls of one read (or one fetch of every scan result) of `batches` scans. */
export function plannedScanCalls(batches: number, plan: PollPlan): Record<ScannerEndpoint, number> {
  return { modified: 1, getInfo: batches, scanStatus: batches * plan.polls, scanResult: batches };
}

/** Endpoints where `planned` calls alone exceed the hourly budget: the read will be throttled. */
export function overBudget(planned: Calls): ScannerEndpoint[] {
  return (Object.keys(SCANNER_BUDGETS) as ScannerEndpoint[]).filter(
    (endpoint) => (planned[endpoint] ?? 0) > SCANNER_BUDGETS[endpoint],
  );
}

/**
 * Scanner calls spent in the simulator's current hour. The benchmark runs many reads in a few
 * minutes; before one that would not fit, it moves the simulator's clock an hour on, as if that
 * sync ran an hour later, so no read is throttled by the ones before it.
 */
export class BudgetLedger {
  private spent: Record<string, number> = {};

  fits(planned: Calls): boolean {
    return (Object.keys(SCANNER_BUDGETS) as ScannerEndpoint[]).every(
      (endpoint) => (this.spent[endpoint] ?? 0) + (planned[endpoint] ?? 0) <= SCANNER_BUDGETS[endpoint],
    );
  }

  add(calls: Calls): void {
    for (const [endpoint, n] of Object.entries(calls))
      this.spent[endpoint] = (this.spent[endpoint] ?? 0) + (n ?? 0);
  }

  newHour(): void {
    this.spent = {};
  }
}
