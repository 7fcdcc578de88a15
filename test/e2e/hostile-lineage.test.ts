import { spawn } from 'node:child_process';
import { cliPath } from '../helpers/paths.js';

/**
 * Pathological M through the BUILT connector's explain-m: each line gets its own classified answer,
 * the process exits 0 and prints no stack trace. (The read path with pathological M is covered with
 * real worker threads in test/integration/lineage-worker-pool.test.ts: the simulator cannot yet be
 * given a custom table expression.)
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

describe('explain-m with pathological M (built CLI)', () => {
  test('every line gets a classified answer; exit 0; no stack trace on stderr', async () => {
    const ids = Object.keys(INPUTS);
    const started = Date.now();
    const result = await explain(ids.map((id) => JSON.stringify({ id, expression: INPUTS[id] })));
    const elapsed = Date.now() - started;
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
