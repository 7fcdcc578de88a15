/**
 * The CPU limit: the least work any connector must do with the scan results, i.e. parse their JSON
 * and write JSON again. Best of a few rounds, so a GC pause or a cold JIT does not count.
 */
import { performance } from 'node:perf_hooks';

export interface CpuLimit {
  seconds: number;
  bytes: number;
}

export function measureJsonRoundTrip(bodies: Buffer[], rounds = 3): CpuLimit {
  let best = Infinity;
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    for (const body of bodies) {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      sink += JSON.stringify(parsed).length;
    }
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  if (sink < 0) throw new Error('unreachable');
  return { seconds: best, bytes: bodies.reduce((n, b) => n + b.length, 0) };
}
