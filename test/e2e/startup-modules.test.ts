/**
 * What each command of the BUILT connector loads: Airbyte starts a process per spec, check,
 * discover and read, so a command must not pay for the modules of the others. A preloaded recorder
 * lists every module the main thread loads (ES modules through a load hook, CommonJS through the
 * require cache); the same hook can refuse one module, to show that a command whose module fails to
 * load still ends in a classified TRACE.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { catalogFor } from '../helpers/read-run.js';
import { repoRoot } from '../helpers/paths.js';

const HOOKS = `import { appendFileSync } from 'node:fs';
let settings;
export function initialize(data) { settings = data; }
export async function load(url, context, next) {
  appendFileSync(settings.out, url + '\\n');
  if (settings.refuse && url.endsWith(settings.refuse)) throw new Error('the test refused to load ' + settings.refuse);
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

interface RecordedRun extends CliResult {
  /** Our modules as dist/…, packages as pkg:<name>/<file in it>. */
  modules: string[];
}

let dir: string;

/** A loaded file as a test names it: dist/commands/spec.js, or pkg:ajv/dist/ajv.js. */
function moduleName(loaded: string): string | undefined {
  const file = decodeURI(loaded.replace(/^cjs:/, '').replace(/^file:\/\//, ''));
  const inPackage = /node_modules\/(.+)$/.exec(file);
  if (inPackage) return `pkg:${inPackage[1]}`;
  if (file.startsWith(path.join(repoRoot, 'dist') + path.sep)) return path.relative(repoRoot, file);
  return undefined;
}

async function recorded(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean);
  return [...new Set(lines.map(moduleName).filter((name): name is string => name !== undefined))];
}

let runs = 0;

function recorderEnv(refuse?: string): { env: NodeJS.ProcessEnv; record: string } {
  const record = path.join(dir, `modules-${(runs += 1)}.txt`);
  return { record, env: { MODULE_RECORD: record, ...(refuse && { MODULE_REFUSE: refuse }) } };
}

async function runRecorded(args: string[], refuse?: string): Promise<RecordedRun> {
  const { env, record } = recorderEnv(refuse);
  await writeFile(record, '');
  const result = await runCli(args, { env, nodeArgs: ['--import', path.join(dir, 'recorder.mjs')] });
  return { ...result, modules: await recorded(record) };
}

async function runTapRecorded(args: string[]): Promise<RecordedRun> {
  const { env, record } = recorderEnv();
  await writeFile(record, '');
  const tap = path.join(repoRoot, 'dist', 'tap.js');
  const result = await new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', path.join(dir, 'recorder.mjs'), tap, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { ...result, modules: await recorded(record) };
}

/** Module groups a command may not need; each test says which of them its command must not load. */
const GROUPS: Record<string, RegExp> = {
  'ajv compiler': /^pkg:ajv\/dist\/(ajv|core|compile\/)/,
  'ajv-formats': /^pkg:ajv-formats\//,
  msal: /^pkg:@azure\/msal-/,
  axios: /^pkg:axios\//,
  'stream-json': /^pkg:stream-json\//,
  'M parser': /^pkg:@microsoft\/powerquery-parser\//,
  'SQL parser': /^pkg:node-sql-parser\//,
  yaml: /^pkg:yaml\//,
  re2js: /^pkg:re2js\//,
  'config validation': /^dist\/config\/(config|validate)\.js$/,
  'generated validators': /^dist\/generated\/config-validators\.js$/,
  streams: /^dist\/streams\//,
  auth: /^dist\/auth\//,
  'Power BI client': /^dist\/powerbi\//,
  'lineage analysis': /^dist\/lineage\/(m|sql|functions|analysis)\//,
  'DAX vs M': /^dist\/lineage\/dax\/dax\.js$/,
  'any lineage': /^dist\/lineage\//,
  'discover command': /^dist\/commands\/discover\.js$/,
  'check, read and helper commands': /^dist\/commands\/(check|read|catalog|explain-m|singer)(\.js|\/)/,
};

function loadedGroups(run: RecordedRun, names: string[]): Record<string, string[]> {
  const loaded: Record<string, string[]> = {};
  for (const name of names) {
    const hits = run.modules.filter((m) => GROUPS[name]!.test(m));
    if (hits.length > 0) loaded[name] = hits.slice(0, 3);
  }
  return loaded;
}

function typesOf(stdout: string): unknown[] {
  return expectProtocolLines(stdout).map((m) => m.type);
}

describe('what each command loads (built CLI, recorded in its main thread)', () => {
  let sim: Simulator;
  let configFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'startup-modules-'));
    await writeFile(path.join(dir, 'hooks.mjs'), HOOKS);
    await writeFile(path.join(dir, 'recorder.mjs'), RECORDER);
    sim = await startSimulator({ seed: 11, workspaces: 6, scanDurationMs: 0 });
    configFile = path.join(dir, 'config.json');
    await writeFile(configFile, JSON.stringify({ ...sim.config, scan: { poll_interval_seconds: 0.05 } }));
  });
  afterAll(async () => {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('spec: the spec and the protocol writer, nothing of config validation, auth, HTTP or streams', async () => {
    const run = await runRecorded(['spec']);
    expect(run.code).toBe(0);
    expect(typesOf(run.stdout)).toEqual(['SPEC']);
    expect(run.modules).toEqual(expect.arrayContaining(['dist/commands/spec.js', 'dist/protocol/writer.js']));
    expect(loadedGroups(run, Object.keys(GROUPS))).toEqual({});
  });

  test('discover: the streams and the precompiled validators, no ajv compiler, auth, HTTP or parser', async () => {
    const run = await runRecorded(['discover', '--config', configFile]);
    expect(run.code).toBe(0);
    expect(typesOf(run.stdout)).toEqual(['CATALOG']);
    expect(run.modules).toEqual(
      expect.arrayContaining(['dist/streams/registry.js', 'dist/generated/config-validators.js']),
    );
    const unwanted = [
      'ajv compiler',
      'msal',
      'axios',
      'stream-json',
      'M parser',
      'SQL parser',
      'yaml',
      're2js',
    ];
    expect(
      loadedGroups(run, [
        ...unwanted,
        'auth',
        'lineage analysis',
        'DAX vs M',
        'check, read and helper commands',
      ]),
    ).toEqual({});
  });

  test('discover with a workspace name pattern: RE2 is loaded for it (CommonJS loads are recorded too)', async () => {
    const withPattern = path.join(dir, 'config-with-pattern.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(
      withPattern,
      JSON.stringify({ ...config, workspaces: { include_name_patterns: ['^sales'] } }),
    );
    const run = await runRecorded(['discover', '--config', withPattern]);
    expect(run.code).toBe(0);
    expect(Object.keys(loadedGroups(run, ['re2js']))).toEqual(['re2js']);
    expect(run.modules.find((m) => m.startsWith('pkg:re2js/'))).toMatch(/\.cjs$/);
  });

  test('check: sign-in and the Power BI client, but neither the streams nor any lineage', async () => {
    const run = await runRecorded(['check', '--config', configFile]);
    expect(run.code).toBe(0);
    const status = expectProtocolLines(run.stdout).find((m) => m.type === 'CONNECTION_STATUS');
    expect((status?.connectionStatus as { status: string }).status).toBe('SUCCEEDED');
    expect(Object.keys(loadedGroups(run, ['msal', 'axios', 'auth', 'Power BI client']))).toHaveLength(4);
    const unwanted = [
      'ajv compiler',
      'M parser',
      'SQL parser',
      'yaml',
      'streams',
      'any lineage',
      'discover command',
    ];
    expect(loadedGroups(run, unwanted)).toEqual({});
  });

  test('read of streams without lineage: nothing of lineage; with lineage in workers: no parser in this thread', async () => {
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    const readOf = async (names: string[]): Promise<RecordedRun> => {
      const catalog = path.join(dir, `catalog-${names.join('-')}.json`);
      const withThreads = path.join(dir, 'config-threads.json');
      await writeFile(catalog, JSON.stringify(catalogFor('full_refresh', names)));
      await writeFile(withThreads, JSON.stringify({ ...config, lineage: { worker_threads: 1 } }));
      const run = await runRecorded(['read', '--config', withThreads, '--catalog', catalog]);
      expect(run.code).toBe(0);
      expect(typesOf(run.stdout)).toContain('RECORD');
      return run;
    };
    const plain = await readOf(['workspaces', 'datasets']);
    expect(loadedGroups(plain, ['any lineage', 'M parser', 'SQL parser'])).toEqual({});
    expect(Object.keys(loadedGroups(plain, ['stream-json', 'msal', 'axios']))).toHaveLength(3);
    const lineage = await readOf(['lineage', 'column_lineage']);
    expect(lineage.modules).toEqual(
      expect.arrayContaining(['dist/lineage/runtime/worker-pool.js', 'dist/lineage/dax/dax-references.js']),
    );
    expect(loadedGroups(lineage, ['lineage analysis', 'M parser', 'SQL parser'])).toEqual({});
  });

  test('tap-powerbi --about: neither config validation nor the streams', async () => {
    const run = await runTapRecorded(['--about']);
    expect(run.code).toBe(0);
    expect(run.modules).toContain('dist/commands/singer.js');
    expect(loadedGroups(run, ['config validation', 'streams', 'msal', 'axios', 'ajv compiler'])).toEqual({});
  });

  test('a command whose module fails to load ends in a classified TRACE, exit 1', async () => {
    const run = await runRecorded(['discover', '--config', configFile], 'dist/commands/discover.js');
    expect(run.code).toBe(1);
    const traces = expectProtocolLines(run.stdout).filter((m) => m.type === 'TRACE');
    expect(traces).toHaveLength(1);
    const error = (traces[0]!.trace as { error: { failure_type: string; message: string } }).error;
    expect(error.failure_type).toBe('system_error');
    expect(run.stderr).toContain('source-powerbi: system_error');
    expect(run.modules).not.toContain('dist/streams/registry.js');
  });
});
