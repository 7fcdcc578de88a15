/**
 * The run's temporary folder (test/global-setup.ts): every test file, Jest worker and spawned
 * process writes its temporary files inside it, so the global teardown can remove them all.
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RUN_ENV } from '../../global-setup.js';

const root = process.env[RUN_ENV.tmpRoot];
const base = process.env[RUN_ENV.tmpBase];

describe('the run temporary folder', () => {
  test('was created inside the system temporary folder before this file ran', () => {
    expect(root).toBeDefined();
    expect(path.dirname(root!)).toBe(base);
  });

  test('is what os.tmpdir() gives this test file', () => {
    expect(tmpdir()).toBe(root);
  });

  test('is what a spawned Node process gets from os.tmpdir()', () => {
    const script = 'process.stdout.write(require("node:os").tmpdir())';
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })).toBe(root);
  });
});
