import { Readable } from 'node:stream';
import { DEFAULT_SCAN_RESULT_LIMITS, type ScanResultLimits } from '../../../src/powerbi/limits.js';
import { parseScanResult, type ScanResultItem } from '../../../src/powerbi/scan-result-parser.js';

const limits: ScanResultLimits = { elementChars: 4096, depth: 16, stringChars: 1024, numberChars: 32 };

/** Feeds `parts` as 1000-character chunks (so limits are crossed mid-chunk and across chunks). */
async function parse(parts: string[], custom: ScanResultLimits = limits): Promise<ScanResultItem[]> {
  const text = parts.join('');
  function* chunks() {
    for (let i = 0; i < text.length; i += 1000) yield Buffer.from(text.slice(i, i + 1000));
  }
  const items: ScanResultItem[] = [];
  for await (const item of parseScanResult(Readable.from(chunks()), custom)) items.push(item);
  return items;
}

const summary = (items: ScanResultItem[]) =>
  items.map((i) =>
    i.kind === 'workspace'
      ? `ok ${i.workspace.id}`
      : i.kind === 'over-limit'
        ? `over ${i.array} ${i.id ?? '?'}: ${i.detail}`
        : i.kind,
  );

describe('parseScanResult limits', () => {
  it('fails only the workspace with a huge string, deep nesting, a long number or too much JSON', async () => {
    const items = await parse([
      '{"workspaces":[{"id":"a","name":"fine"},',
      `{"id":"b","description":"${'x'.repeat(50_000)}"},`,
      `{"id":"c","x":${'['.repeat(100_000)}${']'.repeat(100_000)}},`,
      `{"id":"d","n":${'9'.repeat(10_000)}},`,
      `{"id":"e","reports":[${Array.from({ length: 600 }, (_, i) => `{"id":"r${i}"}`).join(',')}]},`,
      '{"id":"f"}]}',
    ]);
    expect(summary(items)).toEqual([
      'ok a',
      'over workspaces b: a string longer than 1,024 characters',
      'over workspaces c: nesting deeper than 16 levels',
      'over workspaces d: a number longer than 32 characters',
      'over workspaces e: more than 4,096 characters of JSON',
      'ok f',
    ]);
  });

  it('knows the id of a workspace over a limit even when the id comes after the offending member', async () => {
    const items = await parse([
      `{"workspaces":[{"name":"${'y'.repeat(5000)}","reports":[{"id":"not-me"}],"id":"late"},`,
      `{"description":"${'z'.repeat(5000)}"}],"datasourceInstances":[{"datasourceId":"${'q'.repeat(5000)}"}]}`,
    ]);
    expect(summary(items)).toEqual([
      'over workspaces late: a string longer than 1,024 characters',
      'over workspaces ?: a string longer than 1,024 characters',
      'over datasourceinstances ?: a string longer than 1,024 characters',
    ]);
  });

  it('keeps the default limits far above real workspaces', async () => {
    const big = {
      id: 'w',
      datasets: Array.from({ length: 50 }, (_, d) => ({
        id: `d${d}`,
        expressions: [{ expression: `let Source = "${'m'.repeat(100_000)}" in Source` }],
        tables: Array.from({ length: 20 }, (_, t) => ({ name: `t${t}`, columns: [{ name: 'c' }] })),
      })),
    };
    const items = await parse([`{"workspaces":[${JSON.stringify(big)}]}`], DEFAULT_SCAN_RESULT_LIMITS);
    expect(summary(items)).toEqual(['ok w']);
  });

  it('does not keep a deeply nested or huge workspace in memory', async () => {
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    function* hostile() {
      yield Buffer.from('{"workspaces":[{"id":"deep","x":');
      const open = Buffer.from('['.repeat(1 << 20));
      for (let i = 0; i < 8; i += 1) yield open; // 8 Mi levels
      yield Buffer.from(']'.repeat(1 << 20)); // closing only a part: the document is cut off
      yield Buffer.from('"');
    }
    const items: ScanResultItem[] = [];
    await expect(
      (async () => {
        for await (const item of parseScanResult(Readable.from(hostile()), DEFAULT_SCAN_RESULT_LIMITS)) {
          items.push(item);
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }
      })(),
    ).rejects.toThrow(/truncated|Parser/);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    // 8 Mi assembled levels would take hundreds of MB; skipped with a counter they take nothing.
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
  });
});
