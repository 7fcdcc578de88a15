/**
 * The simulator recipe of integration_tests/README.md ("Running CAT itself", step 2), run as written:
 * the shell lines of its `sh` block in bash from the repository root, only the port made free (0
 * instead of 8443) and `secrets/` moved to a temporary folder. The simulator writes its start-up JSON
 * and its config to files under `npm run`; `check` with that config succeeds.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

type Json = Record<string, unknown>;

async function documentedRecipe(): Promise<string> {
  const readme = await readFile(path.join(repoRoot, 'integration_tests', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Running CAT itself'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('integration_tests/README.md: no sh block under "Running CAT itself"');
  return block[1]!;
}

/** Runs the script in its own process group; the simulator it leaves running is stopped with the group. */
function runInBash(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-c', script], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let code: number | null = null;
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    // The background simulator keeps the pipes open: once bash is done, stop the whole group,
    // then the pipes close with everything written.
    child.on('exit', (exitCode) => {
      code = exitCode;
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // the group is gone already
      }
    });
    child.on('close', () => resolve({ code, stdout, stderr }));
  });
}

describe('integration_tests/README.md: the simulator recipe works as pasted', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-recipe-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the simulator writes its start-up JSON and config to files; check with that config succeeds', async () => {
    const recipe = await documentedRecipe();
    expect(recipe).toContain('--info-file secrets/simulator.json');
    const script = recipe.replace('--port 8443', '--port 0').replaceAll('secrets/', `${dir}/`);
    const result = await runInBash(script);
    expect(result.stderr).not.toMatch(/EPIPE|Error/);
    expect(result.code).toBe(0);

    const info = JSON.parse(await readFile(path.join(dir, 'simulator.json'), 'utf8')) as Json;
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Json;
    expect(config).toEqual(info.config);
    expect(info.workspaces).toBe(3);
    expect(String(info.url)).toMatch(/^https:\/\/127\.0\.0\.1:\d+/);

    const statuses = result.stdout
      .split('\n')
      .filter((line) => line.includes('"CONNECTION_STATUS"'))
      .map((line) => (JSON.parse(line) as { connectionStatus: { status: string } }).connectionStatus.status);
    expect(statuses).toEqual(['SUCCEEDED']);
  });
});
