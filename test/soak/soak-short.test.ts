/**
 * The bounded soak that runs with `npm test`: random faults over a small tenant with two seeds,
 * each compared record for record with a clean run, every stream read (the usage streams
 * activity_events, refresh_history and apps too). `npm run soak` is the long version.
 *
 * The clean read and both seeds run at once, each against its own simulator of the same tenant:
 * a faulted read spends most of its time waiting out Retry-After and backoff, and those waits
 * overlap. Small batches give a small tenant many scans, hence many chances for scan faults.
 */
import { jest } from '@jest/globals';
import { DEFAULT_FAULTS, describeSeed, soak } from './soak-run.js';

jest.setTimeout(300_000);

describe('short soak: random faults, destination equal to a clean run', () => {
  test('two seeds over 30 workspaces: no mismatch, no duplicate, no leak, faults did fire', async () => {
    const figures = await soak({
      tenantSeed: 5,
      workspaces: 30,
      workspacesPerScan: 3,
      faultSeeds: [101, 102],
      // Twice the long soak's rates so that a small tenant sees faults of many kinds.
      faults: Object.fromEntries(Object.entries(DEFAULT_FAULTS).map(([k, p]) => [k, p * 2])),
      maxResumes: 3,
      maxWallMs: 150_000,
      concurrent: true,
    });
    console.log(figures.seeds.map(describeSeed).join('\n'));
    expect(figures.seeds).toHaveLength(2);
    // The usage streams were compared too, not only selected.
    const usage = ['activity_events', 'refresh_history', 'apps'];
    expect(usage.filter((name) => !figures.cleanByStream[name])).toEqual([]);
    for (const seed of figures.seeds) {
      expect({
        seed: seed.seed,
        mismatches: seed.mismatches,
        duplicates: seed.duplicates,
        leaks: seed.leaks,
      }).toEqual({
        seed: seed.seed,
        mismatches: [],
        duplicates: 0,
        leaks: [],
      });
      // Any run that stopped did so with a classified error, never an unexplained crash.
      for (const error of seed.errors) expect(error.failure_type).not.toBe('system_error');
    }
    const fired = figures.seeds.flatMap((s) => Object.keys(s.faultsFired));
    expect(new Set(fired).size).toBeGreaterThanOrEqual(3);
  });
});
