/**
 * --help and -h: usage on stdout, exit 0, nothing on stderr and no Airbyte TRACE, for the Airbyte
 * CLI (dist/main.js) and the Singer tap (dist/tap.js), run as subprocesses like a user would.
 * Each case is its own process: they run concurrently.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

const tapPath = path.join(repoRoot, 'dist', 'tap.js');

function runTap(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tapPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectUsage(result: CliResult, commands: string[]): void {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).not.toMatch(/"type"\s*:\s*"TRACE"/);
  for (const command of commands) expect(result.stdout).toContain(command);
}

describe('source-powerbi --help', () => {
  test.concurrent.each([[['--help']], [['-h']], [['help']], [['--', '--help']], [['read', '--help']]])(
    '%j prints the usage of every command on stdout and exits 0',
    async (args) => {
      expectUsage(await runCli(args), ['spec', 'check', 'discover', 'read', 'catalog', 'explain-m']);
    },
  );

  test.concurrent('the usage says catalog is a helper, not an Airbyte command', async () => {
    const { stdout } = await runCli(['--help']);
    const helpers = stdout.slice(stdout.indexOf('not part of the Airbyte protocol'));
    expect(helpers).toContain('catalog  --config FILE');
  });

  test.concurrent('an unknown command still fails, and its usage line names --help', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('"TRACE"');
    expect(result.stdout).toContain('--help');
  });
});

describe('tap-powerbi --help', () => {
  test.concurrent.each([[['--help']], [['-h']], [['--config', 'missing.json', '--help']]])(
    '%j prints the usage on stdout and exits 0',
    async (args) => {
      expectUsage(await runTap(args), ['--discover', '--catalog', '--about', '--version']);
    },
  );

  test.concurrent('an unknown option still fails on stderr with exit 1', async () => {
    const result = await runTap(['--frobnicate']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--help');
  });
});
