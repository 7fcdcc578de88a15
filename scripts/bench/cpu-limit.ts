/**
 * The CPU limit: the least work any connector must do with the scan results, i.e. parse their JSON
 * and write JSON again. Measured as CPU time of this process (process.cpuUsage: every thread, so
 * V8's GC helpers count as they do for the connector), not wall time, so a busy machine does not
 * inflate it. Best of a few rounds, so a cold JIT does not count.
 */
import { performance } from 'node:perf_hooks';

export interface CpuLimit {
  /** CPU seconds of the best round. */
  seconds: number;
  /** Wall seconds of that round, for reference. */
  wallSeconds: number;
  bytes: number;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

export function measureJsonRoundTrip(bodies: Buffer[], rounds = 3): CpuLimit {
  let best = { seconds: Infinity, wallSeconds: Infinity };
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    const wallStart = performance.now();
    const cpuStart = process.cpuUsage();
    for (const body of bodies) {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      sink += JSON.stringify(parsed).length;
    }
    const seconds = cpuSecondsSince(cpuStart);
    if (seconds < best.seconds) best = { seconds, wallSeconds: (performance.now() - wallStart) / 1000 };
  }
  if (sink < 0) throw new Error('unreachable');
  return { ...best, bytes: bodies.reduce((n, b) => n + b.length, 0) };
}
