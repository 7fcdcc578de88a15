/**
 * Builds dist/: each entry point (the CLI, the Singer tap, the lineage worker thread) bundled with
 * its dependencies by esbuild. Airbyte starts one process per command, and loading ~800 separate ES
 * modules (our ~220 and the packages') cost a small read ~0.5 s of CPU before any work; bundled, a
 * command loads a handful of files. Code a command reaches only through `await import()` stays in
 * chunks of its own (dist/chunks/), so spec, discover and check still load only what they use.
 * Type-checking is `npm run typecheck`; this only transpiles.
 *
 * dist/metafile.json records which sources each output file holds (test/e2e/startup-modules.test.ts
 * and the benchmark's profile read it); the .map files map bundled code back to src/.
 */
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: ['src/main.ts', 'src/tap.ts', 'src/lineage/runtime/worker-entry.ts'],
  outbase: 'src',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  metafile: true,
  // V8 keeps each script's source text for as long as the process runs (functions compile lazily
  // from it). One non-ASCII character, even in a comment, makes V8 store the whole text two bytes
  // per character: the 5.7 MB chunk holding node-sql-parser took 11.4 MB of heap. Without comments
  // and indentation the output is ASCII (esbuild escapes the rest) and the chunk 4 MB.
  minifyWhitespace: true,
  // CommonJS packages in the bundle call require() for Node's built-ins; an ES module has none.
  // (esbuild keeps src/main.ts's shebang on the first line, above this banner.)
  banner: {
    js: "import { createRequire as __createRequireForBundle } from 'node:module'; const require = __createRequireForBundle(import.meta.url);",
  },
  logLevel: 'warning',
});
writeFileSync('dist/metafile.json', JSON.stringify(result.metafile));
