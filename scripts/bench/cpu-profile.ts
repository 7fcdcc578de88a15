/**
 * Where the connector's CPU time goes: a V8 CPU profile (node --cpu-prof) summed by self time per
 * module (our dist/ folders, each npm package, Node internals) and per function.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileShare {
  name: string;
  seconds: number;
  share: number;
}

export interface ProfileSummary {
  totalSeconds: number;
  modules: ProfileShare[];
  functions: ProfileShare[];
}

/** dist/lineage/m/x.js -> lineage; node_modules/@scope/pkg/... -> @scope/pkg; node:internal -> node. */
export function moduleOf(url: string): string {
  if (url === '') return '(native, GC, idle)';
  if (url.startsWith('node:')) return 'node internals';
  const packages = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packages) return packages[1]!;
  const ours = /\/dist\/([^/]+)(\/|$)/.exec(url);
  if (ours) return `src/${ours[1]!.replace(/\.js$/, '')}`;
  return path.basename(url);
}

function top(totals: Map<string, number>, total: number, n: number): ProfileShare[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, micros]) => ({ name, seconds: micros / 1e6, share: micros / total }));
}

export function summarizeProfile(profile: CpuProfile, n = 10): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    total += delta;
    const module = moduleOf(frame.url);
    modules.set(module, (modules.get(module) ?? 0) + delta);
    const fn = `${frame.functionName || '(anonymous)'} ${module}:${frame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + delta);
  });
  return { totalSeconds: total / 1e6, modules: top(modules, total, n), functions: top(functions, total, n) };
}

export async function readProfile(dir: string): Promise<CpuProfile> {
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile;
}

export function formatProfile(summary: ProfileSummary): string {
  const line = (s: ProfileShare) =>
    `  ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.seconds.toFixed(2).padStart(7)} s  ${s.name}`;
  return [
    `CPU profile of the full read (${summary.totalSeconds.toFixed(2)} s sampled, self time):`,
    ' by module:',
    ...summary.modules.map(line),
    ' by function:',
    ...summary.functions.map(line),
    '',
  ].join('\n');
}
