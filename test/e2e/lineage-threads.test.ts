import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { catalogFor, readOnce, type Message, type ReadResult } from '../helpers/read-run.js';

function lineageEdges(messages: Message[]): string[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === 'lineage')
    .map((m) => JSON.stringify((m.record as { data: unknown }).data))
    .sort();
}

function logLines(messages: Message[]): string[] {
  return messages.filter((m) => m.type === 'LOG').map((m) => (m.log as { message: string }).message);
}

/** A preloaded probe that reports, at exit, which parser packages the main thread loaded. */
async function writeParserProbe(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parser-probe-'));
  const probe = path.join(dir, 'probe.cjs');
  await writeFile(
    probe,
    `const { isMainThread } = require('node:worker_threads');
process.on('exit', () => {
  if (!isMainThread) return;
  const keys = Object.keys(require('node:module')._cache);
  const loaded = ['powerquery-parser', 'node-sql-parser'].filter((name) => keys.some((k) => k.includes(name)));
  process.stderr.write('MAIN-THREAD-PARSERS=' + JSON.stringify(loaded) + '\\n');
});
`,
  );
  return probe;
}

describe('M lineage in worker threads, through the built CLI', () => {
  let sim: Simulator;
  let config: Record<string, unknown>;
  let probe: string;

  beforeAll(async () => {
    // 40 workspaces: 265 warehouse edges among ~670, enough to compare orders and contents.
    sim = await startSimulator({ seed: 7, workspaces: 40, scanDurationMs: 0 });
    config = { ...sim.config, scan: { poll_interval_seconds: 0.05 } };
    probe = await writeParserProbe();
  });
  afterAll(async () => {
    await sim.close();
  });

  /** One read per thread count, with the parser probe; the first two tests share them. */
  const reads = new Map<number, Promise<ReadResult>>();
  function readWithThreads(threads: number): Promise<ReadResult> {
    const cached = reads.get(threads);
    if (cached) return cached;
    const read = readOnce(
      { ...config, lineage: { worker_threads: threads } },
      catalogFor('full_refresh', ['lineage', 'tables']),
      undefined,
      { env: { NODE_OPTIONS: `--require ${probe}` } },
    );
    reads.set(threads, read);
    return read;
  }

  test('two workers and the main thread alone emit the same lineage edges, in the same order per workspace', async () => {
    const inThread = await readWithThreads(0);
    const workers = await readWithThreads(2);
    expect([inThread.code, workers.code]).toEqual([0, 0]);
    expect(logLines(inThread.messages)).toContain(
      'Power Query M is parsed in the main thread (lineage.worker_threads).',
    );
    expect(logLines(workers.messages)).toContain(
      'Power Query M is parsed in 2 worker thread(s) (lineage.worker_threads).',
    );
    const edges = lineageEdges(inThread.messages);
    // The tenant's tables really have M sources: warehouse edges, not only item-to-item ones.
    expect(edges.filter((edge) => edge.includes('"targetType":"external_table"')).length).toBeGreaterThan(
      100,
    );
    expect(lineageEdges(workers.messages).map(withoutScanTime)).toEqual(edges.map(withoutScanTime));
    const order = (messages: Message[]) =>
      messages
        .filter((m) => m.type === 'RECORD')
        .map((m) => (m.record as { data: { edgeId?: string; datasetId?: string; name?: string } }).data)
        .map((d) => d.edgeId ?? `${d.datasetId}/${d.name}`);
    expect(order(workers.messages)).toEqual(order(inThread.messages));
  });

  test('with workers, the main thread never loads the M and SQL parsers', async () => {
    const loadedBy = async (threads: number): Promise<string | undefined> => {
      const result = await readWithThreads(threads);
      expect(result.code).toBe(0);
      return /MAIN-THREAD-PARSERS=(.*)/.exec(result.stderr)?.[1];
    };
    expect(await loadedBy(2)).toBe('[]');
    expect(await loadedBy(0)).toBe('["powerquery-parser","node-sql-parser"]');
  });

  test('without M expressions no worker is started', async () => {
    const result = await readOnce(
      {
        ...config,
        scan: { ...(config.scan as object), dataset_expressions: false },
        lineage: { worker_threads: 2 },
      },
      catalogFor('full_refresh', ['lineage']),
    );
    expect(result.code).toBe(0);
    expect(logLines(result.messages).some((line) => line.includes('Power Query M is parsed'))).toBe(false);
  });
});

function withoutScanTime(edge: string): string {
  return edge.replace(/"scannedAt":"[^"]*"/, '');
}
