/**
 * The built files V8 keeps in memory as source text for the whole run (build.mjs): they must be
 * ASCII, or V8 stores a whole file two bytes per character.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../helpers/paths.js';

const dist = path.join(repoRoot, 'dist');

function builtScripts(): string[] {
  return readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => path.join(dist, file));
}

/** Where the first byte above 0x7f is, as "line:column", or undefined. */
function firstNonAscii(bytes: Buffer): string | undefined {
  const at = bytes.findIndex((byte) => byte > 0x7f);
  if (at < 0) return undefined;
  const before = bytes.subarray(0, at).toString('latin1');
  const line = before.split('\n').length;
  return `${line}:${at - before.lastIndexOf('\n')}`;
}

describe('the built connector', () => {
  const scripts = builtScripts();

  it('has the three entry points and their chunks', () => {
    const relative = scripts.map((file) => path.relative(dist, file));
    expect(relative).toEqual(
      expect.arrayContaining(['main.js', 'tap.js', path.join('lineage', 'runtime', 'worker-entry.js')]),
    );
    expect(relative.some((file) => file.startsWith(`chunks${path.sep}`))).toBe(true);
  });

  it('is ASCII, so V8 keeps its source one byte per character', () => {
    const offenders = scripts.flatMap((file) => {
      const at = firstNonAscii(readFileSync(file));
      return at === undefined ? [] : [`${path.relative(dist, file)}:${at}`];
    });
    expect(offenders).toEqual([]);
  });
});
