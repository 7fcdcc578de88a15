import { spawn } from 'node:child_process';
import https from 'node:https';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

test('npm run simulator prints url and config first, serves, and stops cleanly on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'),
      'simulator/cli.ts',
      '--port',
      '0',
      '--seed',
      '42',
      '--workspaces',
      '25',
      '--faults',
      '429=0',
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const info = JSON.parse(first) as {
      url: string;
      caCertificate: string;
      config: { api_base_url_override: string; credentials: { auth_type: string } };
    };
    expect(info.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(info.config.api_base_url_override).toBe(`${info.url}/v1.0/myorg`);
    expect(info.config.credentials.auth_type).toBe('service_principal_secret');
    const stats = await new Promise<string>((resolve, reject) => {
      https
        .get(`${info.url}/__simulator/stats`, { ca: info.caCertificate }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(JSON.parse(stats)).toHaveProperty('peakScansInFlight', 0);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}, 30_000);

test('a bad fault spec exits with an error', async () => {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), 'simulator/cli.ts', '--faults', 'teapot=1'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain('unknown fault kind "teapot"');
}, 30_000);
