/**
 * What each command of the BUILT connector loads: Airbyte starts a process per spec, check,
 * discover and read, so a command must not pay for the modules of the others. A preloaded recorder
 * lists every module the main thread loads (test/helpers/module-recorder.ts); the same hook can
 * refuse one file, to show that a command whose code fails to load still ends in a classified TRACE.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { catalogFor } from '../helpers/read-run.js';
import {
  builtEntryOf,
  recordedModules,
  recorderEnv,
  writeModuleRecorder,
} from '../helpers/module-recorder.js';
import { repoRoot } from '../helpers/paths.js';

interface RecordedRun extends CliResult {
  /** Our modules as dist/…, packages as pkg:<name>/<file in it>. */
  modules: string[];
}

let dir: string;
let recorderArgs: string[];

let runs = 0;

async function newRecord(): Promise<string> {
  const record = path.join(dir, `modules-${(runs += 1)}.txt`);
  await writeFile(record, '');
  return record;
}

async function runRecorded(args: string[], refuse?: string): Promise<RecordedRun> {
  const record = await newRecord();
  const result = await runCli(args, { env: recorderEnv(record, refuse), nodeArgs: recorderArgs });
  return { ...result, modules: await recordedModules(record) };
}

async function runTapRecorded(args: string[]): Promise<RecordedRun> {
  const record = await newRecord();
  const env = recorderEnv(record);
  const tap = path.join(repoRoot, 'dist', 'tap.js');
  const result = await new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [...recorderArgs, tap, ...args], {
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
  return { ...result, modules: await recordedModules(record) };
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
    recorderArgs = (await writeModuleRecorder(dir)).nodeArgs;
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
    const run = await runRecorded(
      ['discover', '--config', configFile],
      builtEntryOf('src/commands/discover.ts'),
    );
    expect(run.code).toBe(1);
    const traces = expectProtocolLines(run.stdout).filter((m) => m.type === 'TRACE');
    expect(traces).toHaveLength(1);
    const error = (traces[0]!.trace as { error: { failure_type: string; message: string } }).error;
    expect(error.failure_type).toBe('system_error');
    expect(run.stderr).toContain('source-powerbi: system_error');
    expect(run.modules).not.toContain('dist/streams/registry.js');
  });
});
