/** --profile: one V8 profile per thread, summed per thread and over all threads. */
import { build } from 'esbuild';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  gcShareOf,
  moduleOf,
  originalFrame,
  summarizeProfiles,
  threadOfProfileFile,
  type CpuProfile,
} from '../../../scripts/bench/cpu-profile.js';

/** A profile whose samples hit each named frame for the given microseconds. */
function profileOf(frames: { functionName: string; url: string; micros: number }[]): CpuProfile {
  const nodes = frames.map((f, i) => ({
    id: i + 1,
    callFrame: { functionName: f.functionName, url: f.url, lineNumber: 0 },
  }));
  return { nodes, samples: frames.map((_, i) => i + 1), timeDeltas: frames.map((f) => f.micros) };
}

test('profile files name their thread: 0 is the main thread, others are workers', () => {
  expect(threadOfProfileFile('CPU.20261206.081945.23647.0.001.cpuprofile')).toBe('main');
  expect(threadOfProfileFile('CPU.20261206.081946.23647.3.002.cpuprofile')).toBe('worker 3');
});

test("V8's pseudo-frames get their own buckets; our dist folders and packages theirs", () => {
  expect(moduleOf('', '(garbage collector)')).toBe('GC');
  expect(moduleOf('', '(program)')).toBe('native (program)');
  expect(moduleOf('', 'writeBuffer')).toBe('native');
  expect(moduleOf('file:///x/dist/lineage/m/parse.js')).toBe('src/lineage');
  expect(moduleOf('file:///x/node_modules/@microsoft/powerquery-parser/lib/a.js')).toBe(
    '@microsoft/powerquery-parser',
  );
});

test('all threads together: samples of every profile summed, idle left out', () => {
  const main = profileOf([
    { functionName: 'write', url: 'file:///x/dist/protocol/writer.js', micros: 300 },
    { functionName: '(garbage collector)', url: '', micros: 100 },
    { functionName: '(idle)', url: '', micros: 5000 },
  ]);
  const worker = profileOf([
    { functionName: 'parse', url: 'file:///x/dist/lineage/m/parse.js', micros: 500 },
    { functionName: '(garbage collector)', url: '', micros: 100 },
  ]);
  const all = summarizeProfiles([main, worker]);
  expect(all.totalSeconds).toBeCloseTo((300 + 100 + 500 + 100) / 1e6, 9);
  expect(all.modules.find((m) => m.name === 'GC')?.seconds).toBeCloseTo(200 / 1e6, 9);
  expect(all.modules.map((m) => m.name)).toEqual(['src/lineage', 'src/protocol', 'GC']);
  expect(gcShareOf(main)).toBeCloseTo(100 / 400, 9);
  expect(gcShareOf(worker)).toBeCloseTo(100 / 600, 9);
});

test('a frame in a bundled file counts for the source its source map names', async () => {
  // A two-module "bundle" built by esbuild, as build.mjs builds dist/, with its map beside it.
  const dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-test-profile-map-'));
  await mkdir(path.join(dir, 'src', 'lineage'), { recursive: true });
  await mkdir(path.join(dir, 'src', 'protocol'), { recursive: true });
  await writeFile(
    path.join(dir, 'src', 'lineage', 'walk.ts'),
    'export function walk(n: number): number {\n  return n * 2;\n}\n',
  );
  await writeFile(
    path.join(dir, 'src', 'protocol', 'out.ts'),
    "import { walk } from '../lineage/walk';\nexport function out(): number {\n  return walk(21);\n}\n",
  );
  await build({
    entryPoints: [path.join(dir, 'src', 'protocol', 'out.ts')],
    outfile: path.join(dir, 'dist', 'chunks', 'bundle.js'),
    bundle: true,
    format: 'esm',
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  const built = await readFile(path.join(dir, 'dist', 'chunks', 'bundle.js'), 'utf8');
  const at = (text: string) => {
    const lines = built.split('\n');
    const line = lines.findIndex((l) => l.includes(text));
    return { lineNumber: line, columnNumber: lines[line]!.indexOf(text) };
  };
  const url = pathToFileURL(path.join(dir, 'dist', 'chunks', 'bundle.js')).href;
  const walk = originalFrame({ functionName: 'walk', url, ...at('n * 2') });
  const out = originalFrame({ functionName: 'out', url, ...at('walk(21)') });
  expect([moduleOf(walk.url), walk.lineNumber + 1]).toEqual(['src/lineage', 2]);
  expect([moduleOf(out.url), out.lineNumber + 1]).toEqual(['src/protocol', 3]);
  // Without a map (not a built file) the frame stays as it is.
  const plain = {
    functionName: 'f',
    url: 'file:///x/dist/lineage/m/parse.js',
    lineNumber: 4,
    columnNumber: 2,
  };
  expect(originalFrame(plain)).toBe(plain);
  await rm(dir, { recursive: true, force: true });
});
