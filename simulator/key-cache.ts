/**
 * Certificates a simulator makes at start-up (its TLS CA and server certificate, the certificate
 * app's client certificate) cost ~0.55 s of CPU per start: three RSA key pairs and three signatures.
 * A test run starts about a hundred simulators, so the test setup names a folder in
 * SOURCE_POWERBI_SIMULATOR_KEYS: the first start makes each part and writes it there, every later
 * start (in any process of the run) reads it back. Unset (the simulator CLI, the demo, the
 * benchmark), every start makes its own, as before. The token-signing key is never shared: a token
 * from another simulator must fail its signature check, as one from another Entra tenant does.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const KEY_CACHE_ENV = 'SOURCE_POWERBI_SIMULATOR_KEYS';

export function cachedKeyMaterial<T>(name: string, make: () => T): T {
  const dir = process.env[KEY_CACHE_ENV];
  if (!dir) return make();
  const file = path.join(dir, `${name}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    // Not made yet in this run.
  }
  const made = make();
  mkdirSync(dir, { recursive: true });
  // Written aside and renamed: a start in another process reads a whole file or none.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(partial, JSON.stringify(made), { mode: 0o600 });
  renameSync(partial, file);
  return made;
}
