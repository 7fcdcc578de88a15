/**
 * Two estimates of the GC CPU of the same profiled read, thread by thread: the preload's pauses
 * turned into CPU time, and the GC share of the thread's profile samples times the thread's CPU.
 * They differ in what they count (the profile includes incremental marking steps) and in how
 * they correct for a busy machine; printed side by side so the gap is visible.
 */
import { gcShareOf, type ThreadProfile } from './cpu-profile.js';
import type { ReadMeasure } from './measure-read.js';

export function formatGcCrossCheck(measure: ReadMeasure, profiles: ThreadProfile[]): string {
  const threads = measure.threads?.perThread ?? [];
  const lines = [
    'GC CPU of the profiled read, two estimates (pauses: preload; profile: GC share of samples x thread CPU):',
  ];
  let pauses = 0;
  let sampled = 0;
  for (const { thread, cpuSeconds, gcSeconds } of threads) {
    const profile = profiles.find((p) => p.thread === thread);
    const fromProfile =
      profile && cpuSeconds !== undefined ? gcShareOf(profile.profile) * cpuSeconds : undefined;
    pauses += gcSeconds;
    sampled += fromProfile ?? 0;
    lines.push(
      `  ${thread.padEnd(10)} CPU ${cpuSeconds?.toFixed(2) ?? '?'} s: pauses ${gcSeconds.toFixed(2)} s, profile ${fromProfile?.toFixed(2) ?? '?'} s`,
    );
  }
  const cpu = measure.cpuSeconds;
  const share = (s: number) => (cpu ? `${((s / cpu) * 100).toFixed(1)}%` : '?');
  lines.push(
    `  all       process CPU ${cpu?.toFixed(2) ?? '?'} s: pauses ${pauses.toFixed(2)} s (${share(pauses)}), profile ${sampled.toFixed(2)} s (${share(sampled)})`,
    '',
  );
  return lines.join('\n');
}
