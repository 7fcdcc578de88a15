/** simulator/key-cache.ts: key material made once per test run, read back by later starts. */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cachedKeyMaterial, KEY_CACHE_ENV } from '../../simulator/key-cache.js';
import { createTlsMaterial } from '../../simulator/tls.js';

describe('simulator key material cache', () => {
  const saved = process.env[KEY_CACHE_ENV];
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-test-keys-'));
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env[KEY_CACHE_ENV];
    else process.env[KEY_CACHE_ENV] = saved;
    await rm(dir, { recursive: true, force: true });
  });

  test('with the folder named, a part is made once and read back from its file', async () => {
    process.env[KEY_CACHE_ENV] = path.join(dir, 'keys');
    let made = 0;
    const make = () => ({ pem: `key ${(made += 1)}` });
    expect(cachedKeyMaterial('part', make)).toEqual({ pem: 'key 1' });
    expect(cachedKeyMaterial('part', make)).toEqual({ pem: 'key 1' });
    expect(made).toBe(1);
    expect(JSON.parse(await readFile(path.join(dir, 'keys', 'part.json'), 'utf8'))).toEqual({ pem: 'key 1' });
  });

  test('without it, every start makes its own (two TLS CAs differ) and nothing is written', () => {
    delete process.env[KEY_CACHE_ENV];
    let made = 0;
    cachedKeyMaterial('part', () => (made += 1));
    cachedKeyMaterial('part', () => (made += 1));
    expect(made).toBe(2);
    expect(createTlsMaterial().ca).not.toBe(createTlsMaterial().ca);
    expect(existsSync(path.join(dir, 'keys'))).toBe(false);
  });

  test('in a test run the simulators share one TLS CA', () => {
    process.env[KEY_CACHE_ENV] = path.join(dir, 'keys');
    expect(createTlsMaterial().ca).toBe(createTlsMaterial().ca);
  });
});
