import { quotaFromCfs, quotaFromCpuMax } from '../../../src/lineage/runtime/available-cores.js';
import { autoThreadCount } from '../../../src/lineage/runtime/worker-pool.js';

describe('the cores a sync may use', () => {
  test('cgroup v2 cpu.max: no quota, whole and fractional quotas (rounded up, at least one)', () => {
    expect(quotaFromCpuMax('max 100000\n')).toBeUndefined();
    expect(quotaFromCpuMax('200000 100000\n')).toBe(2);
    expect(quotaFromCpuMax('150000 100000')).toBe(2);
    expect(quotaFromCpuMax('20000 100000')).toBe(1);
    expect(quotaFromCpuMax('400000 50000')).toBe(8);
    expect(quotaFromCpuMax('')).toBeUndefined();
  });

  test('cgroup v1 cfs quota and period: -1 is no quota', () => {
    expect(quotaFromCfs('-1\n', '100000\n')).toBeUndefined();
    expect(quotaFromCfs('300000\n', '100000\n')).toBe(3);
    expect(quotaFromCfs('x', '100000')).toBeUndefined();
  });

  test('no worker threads up to 2 cores; then one per core beyond the main thread, at most four', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map((cores) => autoThreadCount(cores))).toEqual([0, 0, 2, 3, 4, 4, 4]);
  });
});
