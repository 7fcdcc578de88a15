/**
 * Where the connector's time goes: the V8 CPU profiles of a read under node --cpu-prof (one file
 * per thread: the main thread and every lineage worker), summed by self time per module (our dist/
 * folders, each npm package, Node internals, the garbage collector) and per function, for each
 * thread and for all of them together. The build bundles sources and packages (build.mjs): a frame
 * in a built file is mapped back through the file's source map to the source it came from.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

export interface CpuProfile {
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

export interface ThreadProfile {
  /** `main` or `worker <threadId>`. */
  thread: string;
  profile: CpuProfile;
}

/** Self time in microseconds per module and per function. */
interface Totals {
  total: number;
  modules: Map<string, number>;
  functions: Map<string, number>;
}

/** V8's pseudo-frames: GC, code outside JS (compiler, runtime, native), idle. */
const PSEUDO_FRAMES: Record<string, string> = {
  '(garbage collector)': 'GC',
  '(program)': 'native (program)',
  '(root)': 'native (program)',
};

/** src/lineage/m/x.ts or dist/lineage/m/x.js -> src/lineage; node_modules/@scope/pkg/... -> @scope/pkg; node:internal -> node. */
export function moduleOf(url: string, functionName = ''): string {
  const pseudo = PSEUDO_FRAMES[functionName];
  if (pseudo !== undefined && url === '') return pseudo;
  if (url === '') return 'native';
  if (url.startsWith('node:')) return 'node internals';
  const packages = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packages) return packages[1]!;
  const ours = /\/(?:dist|src)\/([^/]+)(\/|$)/.exec(url);
  if (ours) return `src/${ours[1]!.replace(/\.(js|ts)$/, '')}`;
  return path.basename(url);
}

const sourceMaps = new Map<string, SourceMap | undefined>();

function sourceMapOf(url: string): SourceMap | undefined {
  if (!sourceMaps.has(url)) {
    let map: SourceMap | undefined;
    try {
      const payload = JSON.parse(readFileSync(`${fileURLToPath(url)}.map`, 'utf8')) as SourceMapPayload;
      map = new SourceMap(payload);
    } catch {
      map = undefined; // not a built file, or built without maps: keep the frame as it is
    }
    sourceMaps.set(url, map);
  }
  return sourceMaps.get(url);
}

/** The source a frame's code came from (url and 0-based line), through the built file's source map. */
export function originalFrame(frame: CallFrame): { url: string; lineNumber: number } {
  if (!frame.url.startsWith('file:') || frame.columnNumber === undefined) return frame;
  const entry = sourceMapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (!entry || !('originalSource' in entry)) return frame;
  return { url: new URL(entry.originalSource, frame.url).href, lineNumber: entry.originalLine };
}

function emptyTotals(): Totals {
  return { total: 0, modules: new Map(), functions: new Map() };
}

function add(map: Map<string, number>, key: string, micros: number): void {
  map.set(key, (map.get(key) ?? 0) + micros);
}

function addProfile(totals: Totals, profile: CpuProfile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)') return;
    totals.total += delta;
    const source = originalFrame(frame);
    const module = moduleOf(source.url, frame.functionName);
    add(totals.modules, module, delta);
    add(totals.functions, `${frame.functionName || '(anonymous)'} ${module}:${source.lineNumber + 1}`, delta);
  });
}

function top(totals: Map<string, number>, total: number, n: number): ProfileShare[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, micros]) => ({ name, seconds: micros / 1e6, share: total > 0 ? micros / total : 0 }));
}

function summarize(totals: Totals, n: number): ProfileSummary {
  return {
    totalSeconds: totals.total / 1e6,
    modules: top(totals.modules, totals.total, n),
    functions: top(totals.functions, totals.total, n),
  };
}

export function summarizeProfile(profile: CpuProfile, n = 10): ProfileSummary {
  return summarizeProfiles([profile], n);
}

/** Several threads' profiles as one: every thread's samples summed. */
export function summarizeProfiles(profiles: CpuProfile[], n = 10): ProfileSummary {
  const totals = emptyTotals();
  for (const profile of profiles) addProfile(totals, profile);
  return summarize(totals, n);
}

/** Node names them CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile; thread 0 is the main thread. */
export function threadOfProfileFile(file: string): string {
  const threadId = /^CPU\.\d+\.\d+\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1];
  if (threadId === undefined) return file;
  return threadId === '0' ? 'main' : `worker ${threadId}`;
}

/** Every thread's profile in the folder, the main thread first. */
export async function readProfiles(dir: string): Promise<ThreadProfile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}`);
  const profiles = await Promise.all(
    files.map(async (file) => ({
      thread: threadOfProfileFile(file),
      profile: JSON.parse(await readFile(path.join(dir, file), 'utf8')) as CpuProfile,
    })),
  );
  return profiles.sort((a, b) => Number(b.thread === 'main') - Number(a.thread === 'main'));
}

function shareLine(s: ProfileShare): string {
  return `  ${(s.share * 100).toFixed(1).padStart(5)}%  ${s.seconds.toFixed(2).padStart(7)} s  ${s.name}`;
}

export function formatProfile(summary: ProfileSummary, title = 'CPU profile of the full read'): string {
  return [
    `${title} (${summary.totalSeconds.toFixed(2)} s sampled, self time):`,
    ' by module:',
    ...summary.modules.map(shareLine),
    ' by function:',
    ...summary.functions.map(shareLine),
    '',
  ].join('\n');
}

/** All threads together (modules and functions), then each thread by module. */
export function formatThreadProfiles(threads: ThreadProfile[], n = 12): string {
  const all = summarizeProfiles(
    threads.map((t) => t.profile),
    n,
  );
  const parts = [formatProfile(all, `CPU profile of the full read, ${threads.length} threads together`)];
  for (const { thread, profile } of threads) {
    const one = summarizeProfile(profile, Infinity);
    const gc = one.modules.find((m) => m.name === 'GC');
    parts.push(
      [
        `${thread}: ${one.totalSeconds.toFixed(2)} s sampled (${((one.totalSeconds / all.totalSeconds) * 100).toFixed(1)}% of all threads), GC ${((gc?.share ?? 0) * 100).toFixed(1)}%`,
        ...one.modules.slice(0, 8).map(shareLine),
        '',
      ].join('\n'),
    );
  }
  return parts.join('');
}

/** GC share of one thread's samples (V8 counts incremental marking steps there, which 'gc' perf entries do not). */
export function gcShareOf(profile: CpuProfile): number {
  const gc = summarizeProfile(profile, Infinity).modules.find((m) => m.name === 'GC');
  return gc?.share ?? 0;
}
