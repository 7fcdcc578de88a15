import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import { catalogFor, readOnce, type Message } from '../helpers/read-run.js';

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

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, workspaces: 120, scanDurationMs: 0 });
    config = { ...sim.config, scan: { poll_interval_seconds: 0.05 } };
  });
  afterAll(async () => {
    await sim.close();
  });

  test('two workers and the main thread alone emit the same lineage edges, in the same order per workspace', async () => {
    const catalog = catalogFor('full_refresh', ['lineage', 'tables']);
    const run = async (threads: number) => {
      const result = await readOnce({ ...config, lineage: { worker_threads: threads } }, catalog);
      expect(result.code).toBe(0);
      return result.messages;
    };
    const inThread = await run(0);
    const workers = await run(2);
    expect(logLines(inThread)).toContain(
      'Power Query M is parsed in the main thread (lineage.worker_threads).',
    );
    expect(logLines(workers)).toContain(
      'Power Query M is parsed in 2 worker thread(s) (lineage.worker_threads).',
    );
    const edges = lineageEdges(inThread);
    // The tenant's tables really have M sources: warehouse edges, not only item-to-item ones.
    expect(edges.filter((edge) => edge.includes('"targetType":"external_table"')).length).toBeGreaterThan(
      100,
    );
    expect(lineageEdges(workers).map(withoutScanTime)).toEqual(edges.map(withoutScanTime));
    const order = (messages: Message[]) =>
      messages
        .filter((m) => m.type === 'RECORD')
        .map((m) => (m.record as { data: { edgeId?: string; datasetId?: string; name?: string } }).data)
        .map((d) => d.edgeId ?? `${d.datasetId}/${d.name}`);
    expect(order(workers)).toEqual(order(inThread));
  });

  test('with workers, the main thread never loads the M and SQL parsers', async () => {
    // A preloaded probe reports, at exit, which parser packages the main thread loaded.
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
    const loadedBy = async (threads: number): Promise<string | undefined> => {
      const inputs = await writeInputs({
        config: { ...config, lineage: { worker_threads: threads } },
        catalog: catalogFor('full_refresh', ['lineage']),
      });
      const result = await runCli(['read', '--config', inputs.config!, '--catalog', inputs.catalog!], {
        env: { NODE_OPTIONS: `--require ${probe}` },
      });
      expect(result.code).toBe(0);
      return /MAIN-THREAD-PARSERS=(.*)/.exec(result.stderr)?.[1];
    };
    expect(await loadedBy(1)).toBe('[]');
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
