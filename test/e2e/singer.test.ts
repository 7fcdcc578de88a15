/**
 * Singer mode (tap-powerbi) run the way Meltano runs a tap, without tap-airbyte: the built tap as a
 * subprocess with --about, --discover, then syncs with a catalog and the last state, against the
 * simulator. Delegated OAuth: the refresh token Entra rotates must reach the config file, or the
 * next run fails (the simulator's refresh tokens die once used).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { writeInputs } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

const tapPath = path.join(repoRoot, 'dist', 'tap.js');
const packageVersion = (
  JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;
const spec = JSON.parse(await readFile(path.join(repoRoot, 'spec.json'), 'utf8')) as {
  connectionSpecification: Json;
};

type Json = Record<string, unknown>;
interface Metadata {
  breadcrumb: string[];
  metadata: Json;
}
interface SingerStream {
  tap_stream_id: string;
  schema: { properties: Json; required?: string[] };
  key_properties: string[];
  metadata: Metadata[];
}

function runTap(
  args: string[],
): Promise<{ code: number | null; messages: Json[]; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tapPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => {
      let messages: Json[] = [];
      try {
        messages = stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Json);
      } catch {
        messages = [];
      }
      resolve({ code, stderr, stdout, messages });
    });
  });
}

/** Singer's message shapes (singer-spec): what Meltano's loaders rely on. */
function expectSingerShapes(messages: Json[]): void {
  for (const m of messages) {
    switch (m.type) {
      case 'SCHEMA':
        expect(typeof m.stream).toBe('string');
        expect(m.schema).toMatchObject({ type: 'object' });
        expect(Array.isArray(m.key_properties)).toBe(true);
        break;
      case 'RECORD':
        expect(typeof m.stream).toBe('string');
        expect(typeof m.record).toBe('object');
        expect(Number.isNaN(Date.parse(String(m.time_extracted)))).toBe(false);
        break;
      case 'STATE':
        expect(m.value).toMatchObject({ bookmarks: expect.any(Object) as unknown });
        break;
      default:
        throw new Error(`not a Singer message: ${JSON.stringify(m).slice(0, 200)}`);
    }
  }
}

/** What `meltano select` writes: the stream and the chosen fields selected, the rest deselected. */
function select(
  streams: SingerStream[],
  wanted: Record<string, string[] | '*'>,
): { streams: SingerStream[] } {
  return {
    streams: streams.map((s) => ({
      ...s,
      metadata: s.metadata.map((m) => {
        const fields = wanted[s.tap_stream_id];
        const selected =
          m.breadcrumb.length === 0
            ? fields !== undefined
            : fields === '*' || (fields ?? []).includes(m.breadcrumb[1]!);
        return { ...m, metadata: { ...m.metadata, selected } };
      }),
    })),
  };
}

const lastState = (messages: Json[]) => messages.filter((m) => m.type === 'STATE').at(-1)?.value as Json;

describe('Singer mode (tap-powerbi) for Meltano without Docker', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, workspaces: 40, scanDurationMs: 20 });
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('--about and --version, as the Singer SDK shapes them', () => {
    test('--about --format json: name, version, the capabilities meltano.yml lists (about included), settings', async () => {
      const result = await runTap(['--about', '--format', 'json']);
      expect(result.code).toBe(0);
      const about = JSON.parse(result.stdout) as Json;
      expect(about).toMatchObject({ name: 'tap-powerbi', version: packageVersion });
      expect(about.capabilities).toEqual(expect.arrayContaining(['catalog', 'discover', 'state', 'about']));
      expect(about.settings).toEqual(spec.connectionSpecification);
      const documented = await readFile(path.join(repoRoot, 'docs', 'deploy.md'), 'utf8');
      const listed = /capabilities: \[([^\]]+)\]/
        .exec(documented)?.[1]
        ?.split(',')
        .map((c) => c.trim());
      expect([...(about.capabilities as string[])].sort()).toEqual([...(listed ?? [])].sort());
    });

    test('--about --format=markdown: a heading, the capabilities and one settings row per (nested) setting', async () => {
      const result = await runTap(['--about', '--format=markdown']);
      expect(result.code).toBe(0);
      expect(result.stdout.startsWith('# `tap-powerbi`\n')).toBe(true);
      expect(result.stdout).toContain('## Capabilities\n\n- `catalog`\n- `discover`\n- `state`\n- `about`\n');
      expect(result.stdout).toContain('| Setting | Required | Default | Description |');
      expect(result.stdout).toMatch(/^\| credentials \| True \| None \| /m);
      expect(result.stdout).toMatch(/^\| credentials\.client_secret \| /m);
      expect(result.stdout).toMatch(/^\| cloud \| False \| "public" \| /m);
    });

    test('--about alone is plain text; --version is one line; --format without --about is refused', async () => {
      const text = await runTap(['--about']);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/^Name: tap-powerbi\n/);
      expect(text.stdout).toContain('Capabilities:\n  - catalog\n  - discover\n  - state\n  - about\n');
      const version = await runTap(['--version']);
      expect({ code: version.code, stdout: version.stdout }).toEqual({
        code: 0,
        stdout: `tap-powerbi v${packageVersion}\n`,
      });
      const refused = await runTap(['--format', 'json']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/--format only goes with --about/);
    });
  });

  test('discover gives field metadata; a sync sends the selected fields only; the last state resumes', async () => {
    const config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05 },
      incremental: { lookback_minutes: 30 },
    };
    const inputs = await writeInputs({ config });
    const discovered = await runTap(['--config', inputs.config!, '--discover']);
    expect(discovered.code).toBe(0);
    const streams = (discovered.messages[0] as { streams: SingerStream[] }).streams;
    for (const stream of streams) {
      const top = stream.metadata.find((m) => m.breadcrumb.length === 0)!.metadata;
      const automatic = new Set([...stream.key_properties, ...(top['valid-replication-keys'] as string[])]);
      const fields = stream.metadata.filter((m) => m.breadcrumb.length > 0);
      expect(fields.map((m) => m.breadcrumb)).toEqual(
        Object.keys(stream.schema.properties).map((f) => ['properties', f]),
      );
      for (const { breadcrumb, metadata } of fields)
        expect({ field: `${stream.tap_stream_id}.${breadcrumb[1]!}`, ...metadata }).toEqual({
          field: `${stream.tap_stream_id}.${breadcrumb[1]!}`,
          inclusion: automatic.has(breadcrumb[1]!) ? 'automatic' : 'available',
          'selected-by-default': true,
        });
    }
    const reports = streams.find((s) => s.tap_stream_id === 'reports')!;
    expect(reports.metadata.find((m) => m.breadcrumb[1] === 'id')?.metadata.inclusion).toBe('automatic');
    expect(reports.metadata.find((m) => m.breadcrumb[1] === 'scannedAt')?.metadata.inclusion).toBe(
      'automatic',
    );

    // meltano.yml: select workspaces.*, reports.name (keys and cursor come along: automatic)
    const catalog = select(streams, { workspaces: '*', reports: ['name'] });
    const files = await writeInputs({ catalog });
    const first = await runTap(['--config', inputs.config!, '--catalog', files.catalog!]);
    expect(first.code).toBe(0);
    expectSingerShapes(first.messages);
    const schemas = first.messages.filter((m) => m.type === 'SCHEMA');
    expect(schemas.map((m) => m.stream)).toEqual(['workspaces', 'reports']);
    const reportSchema = schemas[1]!.schema as { properties: Json; required?: string[] };
    expect(Object.keys(reportSchema.properties).sort()).toEqual(['id', 'name', 'scannedAt']);
    const reportRecords = first.messages.filter((m) => m.type === 'RECORD' && m.stream === 'reports');
    expect(reportRecords.length).toBeGreaterThan(0);
    for (const r of reportRecords)
      expect(Object.keys(r.record as Json).every((k) => ['id', 'name', 'scannedAt'].includes(k))).toBe(true);
    const nonPersonal = sim.tenant.listWorkspaces().filter((w) => !w.isPersonal);
    expect(first.messages.filter((m) => m.type === 'RECORD' && m.stream === 'workspaces')).toHaveLength(
      nonPersonal.length,
    );
    expect(first.stdout).not.toContain(String((sim.config.credentials as Json).client_secret));
    expect(Object.keys(lastState(first.messages).bookmarks as Json).sort()).toEqual([
      'reports',
      'workspaces',
    ]);

    // Meltano keeps the last STATE value and hands it back: only what changed is read again.
    const mutation = sim.mutate({ workspaces: 1, seed: 9 });
    const stateFile = await writeInputs({ state: lastState(first.messages) });
    const second = await runTap([
      '--config',
      inputs.config!,
      '--catalog',
      files.catalog!,
      '--state',
      stateFile.state!,
    ]);
    expect(second.code).toBe(0);
    expectSingerShapes(second.messages);
    const rescanned = second.messages
      .filter((m) => m.type === 'RECORD' && m.stream === 'workspaces')
      .map((m) => (m.record as Json).id);
    expect(rescanned.length).toBeLessThan(nonPersonal.length);
    const touched = [
      ...mutation.changed.map((c) => c.workspaceId),
      ...mutation.addedWorkspaces,
      ...mutation.deletedWorkspaces,
    ];
    for (const id of touched.filter((id) => nonPersonal.some((w) => w.id === id)))
      expect(rescanned).toContain(id);
  });

  test('delegated OAuth: the rotated refresh token is saved to the config file (atomically, same permissions), so the next run works', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'tap-powerbi-oauth-'));
    const configFile = path.join(folder, 'config.json');
    const original = { ...sim.configFor('oauth2_refresh_token'), scan: { poll_interval_seconds: 0.05 } };
    await writeFile(configFile, JSON.stringify(original));
    await chmod(configFile, 0o600);
    const staleCopy = path.join(folder, 'stale.json');
    await writeFile(staleCopy, JSON.stringify(original));
    const discovered = await runTap(['--config', configFile, '--discover']);
    const catalog = select((discovered.messages[0] as { streams: SingerStream[] }).streams, {
      workspaces: '*',
    });
    const files = await writeInputs({ catalog });
    const tokenIn = async () =>
      (JSON.parse(await readFile(configFile, 'utf8')) as { credentials: Json }).credentials
        .refresh_token as string;

    const first = await runTap(['--config', configFile, '--catalog', files.catalog!]);
    expect({ code: first.code, stderr: first.code === 0 ? '' : first.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const afterFirst = await tokenIn();
    expect(afterFirst).not.toBe(original.credentials.refresh_token);
    const saved = JSON.parse(await readFile(configFile, 'utf8')) as Json & { credentials: Json };
    expect({ ...saved, credentials: { ...saved.credentials, refresh_token: 'x' } }).toEqual({
      ...original,
      credentials: { ...original.credentials, refresh_token: 'x' },
    });
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);
    expect((await readdir(folder)).sort()).toEqual(['config.json', 'stale.json']);
    expect(first.stderr).toMatch(/new refresh token; saved it to/);

    const stateFile = await writeInputs({ state: lastState(first.messages) });
    const second = await runTap([
      '--config',
      configFile,
      '--catalog',
      files.catalog!,
      '--state',
      stateFile.state!,
    ]);
    expect({ code: second.code, stderr: second.code === 0 ? '' : second.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(await tokenIn()).not.toBe(afterFirst);

    // Without the write-back, a second run would hold a used token: the simulator refuses it.
    const stale = await runTap(['--config', staleCopy, '--catalog', files.catalog!]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/refresh token/i);

    const secrets = [
      original.credentials.refresh_token,
      afterFirst,
      await tokenIn(),
      original.credentials.client_secret,
    ];
    for (const run of [first, second, stale])
      for (const secret of secrets)
        expect({
          stdout: run.stdout.includes(String(secret)),
          stderr: run.stderr.includes(String(secret)),
        }).toEqual({
          stdout: false,
          stderr: false,
        });
  });

  test('a catalog that selects nothing is refused with the fix, on stderr, exit 1', async () => {
    const inputs = await writeInputs({ config: sim.config, catalog: { streams: [] } });
    const result = await runTap(['--config', inputs.config!, '--catalog', inputs.catalog!]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/selects no stream/);
  });
});
