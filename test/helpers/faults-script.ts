import type { Simulator } from '../../simulator/index.js';

/**
 * The scripted faults of `sim` that did not fire as often as declared ('' when all did), as text a
 * test can assert on later: a read started before its test must not throw or expect() on its own.
 */
export function unfiredFaults(sim: Simulator): string {
  try {
    sim.faults.assertAllConsumed();
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** How many faults of each kind `sim` fired since `before` (a faultsFired snapshot). */
export function firedSince(sim: Simulator, before: Record<string, number>): Record<string, number> {
  const now = sim.stats().faultsFired;
  return Object.fromEntries(
    Object.entries(now)
      .map(([kind, count]) => [kind, count - (before[kind] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}
