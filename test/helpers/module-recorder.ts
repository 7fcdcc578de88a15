/**
 * Records which files a built connector process loads in its main thread: ES modules through a
 * load hook, CommonJS through the require cache at exit. The hook can also refuse one file. The
 * build bundles sources and packages into a few files (build.mjs): a loaded file stands for every
 * source esbuild put in it (dist/metafile.json), named src/commands/spec.ts -> dist/commands/spec.js
 * and node_modules/ajv/dist/ajv.js -> pkg:ajv/dist/ajv.js.
 */
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './paths.js';

const HOOKS = `import { appendFileSync } from 'node:fs';
let settings;
export function initialize(data) { settings = data; }
export async function load(url, context, next) {
  if (settings.refuse && url.endsWith(settings.refuse)) throw new Error('the test refused to load ' + settings.refuse);
  appendFileSync(settings.out, url + '\\n');
  return next(url, context);
}
`;

const RECORDER = `import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) {
  const out = process.env.MODULE_RECORD;
  register('./hooks.mjs', import.meta.url, { data: { out, refuse: process.env.MODULE_REFUSE } });
  const require = createRequire(import.meta.url);
  process.on('exit', () => appendFileSync(out, Object.keys(require.cache).map((file) => 'cjs:' + file + '\\n').join('')));
}
`;

interface Metafile {
  outputs: Record<string, { inputs: Record<string, unknown>; entryPoint?: string }>;
}

function metafile(): Metafile {
  return JSON.parse(readFileSync(path.join(repoRoot, 'dist', 'metafile.json'), 'utf8')) as Metafile;
}

/** Writes the recorder into `dir`; a process started with `nodeArgs` and `env` appends what it loads to `record`. */
export async function writeModuleRecorder(dir: string): Promise<{ nodeArgs: string[] }> {
  await writeFile(path.join(dir, 'hooks.mjs'), HOOKS);
  await writeFile(path.join(dir, 'recorder.mjs'), RECORDER);
  return { nodeArgs: ['--import', path.join(dir, 'recorder.mjs')] };
}

/** The environment that makes the recorder write to `record` (and refuse the file ending in `refuse`). */
export function recorderEnv(record: string, refuse?: string): NodeJS.ProcessEnv {
  return { MODULE_RECORD: record, ...(refuse && { MODULE_REFUSE: refuse }) };
}

/** Which sources each built file holds (written by build.mjs), keyed by the file's path in the repository. */
function bundledSources(): Map<string, string[]> {
  return new Map(
    Object.entries(metafile().outputs).map(([output, { inputs }]) => [output, Object.keys(inputs)]),
  );
}

/** A source as a test names it: src/commands/spec.ts as dist/commands/spec.js, a package file as pkg:ajv/dist/ajv.js. */
function sourceName(file: string): string | undefined {
  const inPackage = /node_modules\/(.+)$/.exec(file);
  if (inPackage) return `pkg:${inPackage[1]}`;
  const ours = /^src\/(.+)\.ts$/.exec(file);
  return ours ? `dist/${ours[1]}.js` : undefined;
}

/** The sources a loaded file stands for: those bundled into it, or a file loaded from outside dist/ (a package) itself. */
function moduleNames(loaded: string, bundles: Map<string, string[]>): string[] {
  const file = decodeURI(loaded.replace(/^cjs:/, '').replace(/^file:\/\//, ''));
  const inRepo = path.relative(repoRoot, file).split(path.sep).join('/');
  const sources = bundles.get(inRepo) ?? (inRepo.startsWith('dist/') ? [] : [file]);
  return sources.map(sourceName).filter((name): name is string => name !== undefined);
}

export async function recordedModules(file: string): Promise<string[]> {
  const bundles = bundledSources();
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  return [...new Set(lines.flatMap((line) => moduleNames(line, bundles)))];
}

/** The built file that `await import()` of a source loads first (the refused file of the last test). */
export function builtEntryOf(source: string): string {
  const found = Object.entries(metafile().outputs).find(([, output]) => output.entryPoint === source);
  if (!found) throw new Error(`no built file is the entry of ${source}`);
  return found[0];
}
