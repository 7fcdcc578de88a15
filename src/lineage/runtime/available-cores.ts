/**
 * The cores this process may really use: os.availableParallelism() counts the CPUs it may be
 * scheduled on, but a container's CPU quota (Kubernetes `limits.cpu`, `docker run --cpus`) is a
 * cgroup setting that count does not see (libuv reads it only from 1.49 on; Node 20 has 1.46).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** cgroup v2 `cpu.max` ("max 100000" or "200000 100000"): the CPUs the quota allows, if any. */
export function quotaFromCpuMax(cpuMax: string): number | undefined {
  const [quota, period] = cpuMax.trim().split(/\s+/);
  return cpusOf(Number(quota), Number(period ?? 100_000));
}

/** cgroup v1 `cpu.cfs_quota_us` (-1: none) and `cpu.cfs_period_us`. */
export function quotaFromCfs(quotaUs: string, periodUs: string): number | undefined {
  return cpusOf(Number(quotaUs.trim()), Number(periodUs.trim()));
}

function cpusOf(quota: number, period: number): number | undefined {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return undefined;
  // A quota of 1.5 CPUs is 2 threads busy part of the time: round up, never below one.
  return Math.max(1, Math.ceil(quota / period));
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The CPU quota of this process's cgroup (v2, else v1), as whole CPUs; undefined without one. */
function cgroupCpus(root = '/sys/fs/cgroup'): number | undefined {
  const cpuMax = readOrUndefined(`${root}/cpu.max`);
  if (cpuMax !== undefined) return quotaFromCpuMax(cpuMax);
  const quota = readOrUndefined(`${root}/cpu/cpu.cfs_quota_us`);
  const period = readOrUndefined(`${root}/cpu/cpu.cfs_period_us`);
  return quota === undefined || period === undefined ? undefined : quotaFromCfs(quota, period);
}

export function availableCores(): number {
  return Math.min(availableParallelism(), cgroupCpus() ?? Number.POSITIVE_INFINITY);
}
