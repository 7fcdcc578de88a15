/** --profile: one V8 profile per thread, summed per thread and over all threads. */
import {
  gcShareOf,
  moduleOf,
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
