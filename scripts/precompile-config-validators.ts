/**
 * npx tsx scripts/precompile-config-validators.ts [--check]
 * Writes src/generated/config-validators.ts from spec.json (run it after editing spec.json).
 * With --check it writes nothing and fails when the committed file is stale.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configValidatorsSource } from './config-validators.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'src', 'generated', 'config-validators.ts');

async function main(): Promise<void> {
  const spec = JSON.parse(await readFile(path.join(root, 'spec.json'), 'utf8')) as {
    connectionSpecification: Record<string, unknown>;
  };
  const source = configValidatorsSource(spec.connectionSpecification);
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current === source) {
    console.error('The precompiled config validators are fresh.');
    return;
  }
  if (process.argv.includes('--check')) {
    console.error(
      'src/generated/config-validators.ts is stale: run `npx tsx scripts/precompile-config-validators.ts` and commit it.',
    );
    process.exit(1);
  }
  await writeFile(target, source);
  console.error('Wrote src/generated/config-validators.ts.');
}

await main();
