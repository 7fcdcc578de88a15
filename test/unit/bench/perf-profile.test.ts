/** How --perf reads `perf script` lines and sorts samples into thread groups and categories. */
import { categoryOf, groupOf, parsePerfLine } from '../../../scripts/bench/perf-profile.js';
import type { OneThread } from '../../../scripts/bench/thread-stats.js';

test('a perf script line: pid/tid, address, symbol with spaces and templates', () => {
  expect(
    parsePerfLine(
      '  4242/4250      55d0c0ffee v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>',
    ),
  ).toEqual({
    pid: 4242,
    tid: 4250,
    ip: '55d0c0ffee',
    symbol: 'v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>',
  });
  expect(parsePerfLine('4242/4242 7f00 [unknown]')?.symbol).toBe('[unknown]');
  expect(parsePerfLine('')).toBeUndefined();
});

test.each([
  ['55d0c0ffee', 'v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>', 'GC'],
  ['55d0c0ffee', 'v8::internal::ConcurrentMarking::RunMajor', 'GC'],
  ['55d0c0ffee', 'v8::internal::Sweeper::RawSweep', 'GC'],
  ['55d0c0ffee', 'v8::internal::MarkCompactCollector::ProcessMarkingWorklist', 'GC'],
  ['55d0c0ffee', 'v8::internal::compiler::GraphReducer::ReduceTop', 'compiler'],
  ['55d0c0ffee', 'v8::internal::maglev::MaglevGraphBuilder::Build', 'compiler'],
  ['7f5384008606', '[unknown]', 'JS and builtins'],
  ['55d0c0ffee', 'Builtins_LoadIC', 'JS and builtins'],
  ['ffffffff82250fa7', '_raw_spin_lock', 'kernel'],
  ['7f1331ab6109', '_int_malloc', 'other native'],
  ['55d0c0ffee', 'v8::internal::JsonStringifier::SerializeString', 'other native'],
])('%s %s is %s', (ip, symbol, category) => {
  expect(categoryOf(ip, symbol)).toBe(category);
});

test('thread groups: the process id is the main thread, the preload names the lineage workers', () => {
  const threads: OneThread[] = [
    { thread: 'main', tid: 100, cpuSeconds: 1, gcSeconds: 0 },
    { thread: 'worker 1', tid: 107, cpuSeconds: 1, gcSeconds: 0 },
  ];
  expect(groupOf(100, 100, threads)).toBe('main');
  expect(groupOf(107, 100, threads)).toBe('lineage workers');
  expect(groupOf(103, 100, threads)).toBe('other threads');
});
