import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { recordedModules, recorderEnv, writeModuleRecorder } from '../helpers/module-recorder.js';
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

describe('M lineage in worker threads, through the built CLI', () => {
  let sim: Simulator;
  let config: Record<string, unknown>;
  let dir: string;
  let recorderArgs: string[];

  beforeAll(async () => {
    // 40 workspaces: 265 warehouse edges among ~670, enough to compare orders and contents.
    sim = await startSimulator({ seed: 7, workspaces: 40, scanDurationMs: 0 });
    config = { ...sim.config, scan: { poll_interval_seconds: 0.05 } };
    dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-test-module-record-'));
    recorderArgs = (await writeModuleRecorder(dir)).nodeArgs;
  });
  afterAll(async () => {
    await sim.close();
  });

  /** One read per thread count, with the module recorder; the first two tests share them. */
  const reads = new Map<number, Promise<ReadResult>>();
  /** Where the module recorder writes what the read's main thread loaded. */
  const recordOf = (threads: number): string => path.join(dir, `modules-${threads}.txt`);
  function readWithThreads(threads: number): Promise<ReadResult> {
    const cached = reads.get(threads);
    if (cached) return cached;
    const read = readOnce(
      { ...config, lineage: { worker_threads: threads } },
      catalogFor('full_refresh', ['lineage', 'tables']),
      undefined,
      { env: { NODE_OPTIONS: recorderArgs.join(' '), ...recorderEnv(recordOf(threads)) } },
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
    const loadedBy = async (threads: number): Promise<string[]> => {
      const result = await readWithThreads(threads);
      expect(result.code).toBe(0);
      const modules = await recordedModules(recordOf(threads));
      return ['pkg:@microsoft/powerquery-parser/', 'pkg:node-sql-parser/'].filter((name) =>
        modules.some((m) => m.startsWith(name)),
      );
    };
    expect(await loadedBy(2)).toEqual([]);
    expect(await loadedBy(0)).toEqual(['pkg:@microsoft/powerquery-parser/', 'pkg:node-sql-parser/']);
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
