import { spawn } from 'node:child_process';
import { jest } from '@jest/globals';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { cliPath } from '../helpers/paths.js';
import { startEarly } from '../helpers/faults-early-start.js';
import { messagesOf, runProbed, type ProbedRun } from '../helpers/process-probe.js';
import { catalogFor } from '../helpers/read-run.js';

/**
 * Pathological M through the BUILT connector's explain-m: each line gets its own classified answer,
 * the process exits 0 and prints no stack trace. (The read path with pathological M is covered with
 * real worker threads in test/integration/lineage-worker-pool.test.ts, and below by a read of a
 * simulator tenant whose tables were given pathological M.)
 */
function explain(
  lines: string[],
): Promise<{ code: number | null; out: Record<string, unknown>[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'explain-m'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stderr,
        out: stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      });
    });
    child.stdin.end(lines.join('\n') + '\n');
  });
}

jest.setTimeout(150_000);

const SALES = 'Sql.Database("srv","db"){[Schema="dbo",Item="Sales"]}[Data]';

function stepChain(steps: number): string {
  const lines = ['Source = Sql.Database("srv","db")', 'T = Source{[Schema="dbo",Item="Sales"]}[Data]'];
  lines.push('S1 = Table.RemoveColumns(T,{"a"})');
  for (let step = 2; step <= steps; step += 1)
    lines.push(`S${step} = Table.RemoveColumns(S${step - 1},{"a"})`);
  return `let ${lines.join(', ')} in S${steps}`;
}

const INPUTS: Record<string, string> = {
  'deep-list': `let S = ${SALES}, L = ${'{'.repeat(5_000)}${'}'.repeat(5_000)} in S`,
  parens: `${'('.repeat(100_000)}1${')'.repeat(100_000)}`,
  'big-sql': `Value.NativeQuery(Sql.Database("srv","db"), "select a${', a'.repeat(333_400)} from dbo.t")`,
  'big-m': `let S = ${SALES}, L = {${Array.from({ length: 110_000 }, () => '"abcdefgh"').join(',')}} in S`,
  'deep-each': `${'each '.repeat(5_000)}${SALES}`,
  cycle: `let ${Array.from({ length: 1_000 }, (_, i) => `a${i} = Table.RemoveColumns(a${(i + 1) % 1_000}, {"x"})`).join(', ')} in a0`,
  'long-chain': stepChain(1_000),
  plain: `let S = ${SALES} in S`,
};

/** explain-m of every input, started with the file so that it runs beside the reads below. */
let explained: Promise<{ result: Awaited<ReturnType<typeof explain>>; elapsed: number }>;
beforeAll(() => {
  explained = startEarly(async () => {
    const started = Date.now();
    const result = await explain(
      Object.keys(INPUTS).map((id) => JSON.stringify({ id, expression: INPUTS[id] })),
    );
    return { result, elapsed: Date.now() - started };
  });
});
afterAll(async () => {
  await explained.catch(() => undefined);
});

describe('a read where some tables carry pathological M (built CLI, simulator)', () => {
  let sim: Simulator;
  const injected: { workspaceId: string; datasetId: string; table: string; input: string }[] = [];
  /** The read with 0 and with 1 worker thread, started together once the tenant is prepared. */
  const reads = new Map<number, Promise<ProbedRun>>();

  const readLineage = (threads: number) => {
    // A quick first status poll: the default 5 s would be most of the read's time.
    const config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05 },
      lineage: { worker_threads: threads },
    };
    return runProbed(['read', '--config', '@config.json', '--catalog', '@catalog.json'], {
      files: {
        'config.json': JSON.stringify(config),
        'catalog.json': JSON.stringify(catalogFor('full_refresh', ['lineage'])),
      },
    });
  };

  beforeAll(async () => {
    sim = await startSimulator({ workspaces: 20, scanDurationMs: 0, seed: 11 });
    const workspaceIds = sim.tenant
      .listWorkspaces()
      .filter((w) => w.state === 'Active' && !w.isPersonal)
      .map((w) => w.id);
    for (const input of ['deep-list', 'parens', 'big-sql']) {
      for (const workspaceId of workspaceIds) {
        if (injected.some((i) => i.workspaceId === workspaceId)) continue;
        try {
          injected.push({
            workspaceId,
            input,
            ...sim.tenant.overrideTableSource(workspaceId, INPUTS[input]!),
          });
          break;
        } catch {
          // This workspace has no M-sourced table; try the next one.
        }
      }
    }
    expect(injected).toHaveLength(3);
    for (const threads of [0, 1])
      reads.set(
        threads,
        startEarly(() => readLineage(threads)),
      );
  });
  afterAll(async () => {
    await Promise.allSettled(reads.values());
    await sim.close();
  });

  test.each([0, 1])(
    'with %i worker thread(s): exit 0, a limit_exceeded diagnostic on each bad table only',
    async (threads) => {
      const run = await reads.get(threads)!;
      expect(run.code).toBe(0);
      expect(run.stderr).not.toMatch(/\n\s+at |RangeError|Maximum call stack/);
      expect(run.wallMs).toBeLessThan(60_000);
      const lineage = messagesOf(run.stdout)
        .filter((m) => m.type === 'RECORD')
        .map((m) => (m.record as { data: LineageRow }).data);
      for (const bad of injected) {
        const rows = lineage.filter((r) => r.sourceId === bad.datasetId && r.sourceTableName === bad.table);
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.flatMap((r) => (r.diagnostics ?? []).map((d) => d.kind))).toContain('limit_exceeded');
      }
      // Every other table keeps its lineage: warehouse edges exist beyond the injected tables.
      const healthy = lineage.filter(
        (r) =>
          r.upstream &&
          !injected.some((bad) => r.sourceId === bad.datasetId && r.sourceTableName === bad.table),
      );
      expect(healthy.length).toBeGreaterThan(10);
      expect(healthy.every((r) => !(r.diagnostics ?? []).some((d) => d.kind === 'limit_exceeded'))).toBe(
        true,
      );
    },
  );
});

describe('explain-m with pathological M (built CLI)', () => {
  test('every line gets a classified answer; exit 0; no stack trace on stderr', async () => {
    const ids = Object.keys(INPUTS);
    const { result, elapsed } = await explained;
    expect(result.code).toBe(0);
    expect(result.stderr).not.toMatch(/RangeError|PromiseRejectCallback|\n\s+at /);
    const byId = new Map(result.out.map((answer) => [String(answer['id']), answer]));
    expect([...byId.keys()]).toEqual(ids);
    const kinds = (id: string) => (byId.get(id)?.['diagnostics'] as { kind: string }[]).map((d) => d.kind);
    const tables = (id: string) =>
      (byId.get(id)?.['upstreams'] as { qualifiedName: string }[]).map((u) => u.qualifiedName);
    expect(kinds('deep-list')).toEqual(['limit_exceeded']);
    expect(kinds('parens')).toEqual(['limit_exceeded']);
    expect(kinds('big-sql')).toEqual(['limit_exceeded']);
    const [sqlDiagnostic] = byId.get('big-sql')?.['diagnostics'] as Record<string, string>[];
    expect(sqlDiagnostic?.['functionName']).toBe('Value.NativeQuery');
    expect(sqlDiagnostic?.['message']).toMatch(/262,144/);
    expect(kinds('big-m')).toEqual(['limit_exceeded']);
    expect(kinds('deep-each')).toEqual(['limit_exceeded']);
    expect(kinds('cycle')).toEqual(['cyclic_reference']);
    expect(kinds('long-chain')).toEqual([]);
    expect(tables('long-chain')).toEqual(['db.dbo.sales']);
    expect(tables('plain')).toEqual(['db.dbo.sales']);
    // Generous: about 3 s on a quiet machine; before the limits the parentheses alone ran for minutes.
    expect(elapsed).toBeLessThan(60_000);
  });
});

interface LineageRow {
  sourceId: string;
  sourceTableName: string | null;
  upstream: unknown;
  diagnostics: { kind: string | null }[] | null;
}
