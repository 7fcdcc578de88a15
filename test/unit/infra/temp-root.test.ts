/**
 * The run's temporary folder (test/global-setup.ts): every test file, Jest worker and spawned
 * process writes its temporary files inside it, so the global teardown can remove them all; a run
 * killed before its teardown leaves a folder the next run removes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { removeOrphanedRoots, RUN_ENV } from '../../global-setup.js';

const root = process.env[RUN_ENV.tmpRoot];
const base = process.env[RUN_ENV.tmpBase];

describe('the run temporary folder', () => {
  test('was created inside the system temporary folder before this file ran, owned by a live Jest', () => {
    expect(root).toBeDefined();
    expect(path.dirname(root!)).toBe(base);
    const owner = Number(readFileSync(path.join(root!, '.jest-pid'), 'utf8'));
    expect([process.pid, process.ppid]).toContain(owner);
  });

  test('is what os.tmpdir() gives this test file', () => {
    expect(tmpdir()).toBe(root);
  });

  test('is what a spawned Node process gets from os.tmpdir()', () => {
    const script = 'process.stdout.write(require("node:os").tmpdir())';
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })).toBe(root);
  });

  test('a folder whose Jest process is gone is removed; a live one and one without an owner stay', () => {
    const place = mkdtempSync(path.join(tmpdir(), 'source-powerbi-orphans-'));
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const folder = (name: string, owner?: number) => {
      const dir = path.join(place, `source-powerbi-jest-${name}`);
      mkdirSync(dir);
      if (owner !== undefined) writeFileSync(path.join(dir, '.jest-pid'), String(owner));
      return dir;
    };
    const orphan = folder('orphan', gone);
    const live = folder('live', process.pid);
    const unowned = folder('unowned');
    removeOrphanedRoots(place);
    expect([orphan, live, unowned].map(existsSync)).toEqual([false, true, true]);
  });
});
