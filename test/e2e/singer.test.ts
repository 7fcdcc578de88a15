import { spawn } from 'node:child_process';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { writeInputs } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

const tapPath = path.join(repoRoot, 'dist', 'tap.js');

type Json = Record<string, unknown>;

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
    child.on('close', (code) =>
      resolve({
        code,
        stderr,
        stdout,
        messages: stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Json),
      }),
    );
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

describe('Singer mode (tap-powerbi) for Meltano without Docker', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 5, workspaces: 40, scanDurationMs: 20 });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('--about describes the tap and its settings', async () => {
    const result = await runTap(['--about']);
    expect(result.code).toBe(0);
    expect(result.messages[0]).toMatchObject({
      name: 'tap-powerbi',
      capabilities: ['catalog', 'discover', 'state'],
    });
  });

  test('discover, sync the selected streams, and resume from the emitted state', async () => {
    const config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05 },
      incremental: { lookback_minutes: 30 },
    };
    const inputs = await writeInputs({ config });
    const discovered = await runTap(['--config', inputs.config!, '--discover']);
    expect(discovered.code).toBe(0);
    const catalog = discovered.messages[0] as { streams: Json[] };
    expect(catalog.streams.map((s) => s.tap_stream_id)).toEqual(
      expect.arrayContaining(['workspaces', 'reports', 'lineage']),
    );

    const wanted = new Set(['workspaces', 'reports']);
    const selected = {
      streams: catalog.streams.map((s) => ({
        ...s,
        metadata: (s.metadata as { breadcrumb: string[]; metadata: Json }[]).map((m) =>
          m.breadcrumb.length === 0
            ? { ...m, metadata: { ...m.metadata, selected: wanted.has(String(s.tap_stream_id)) } }
            : m,
        ),
      })),
    };
    const files = await writeInputs({ catalog: selected });
    const first = await runTap(['--config', inputs.config!, '--catalog', files.catalog!]);
    expect(first.code).toBe(0);
    expectSingerShapes(first.messages);
    expect(first.messages.filter((m) => m.type === 'SCHEMA').map((m) => m.stream)).toEqual([
      'workspaces',
      'reports',
    ]);
    const streamsSeen = new Set(first.messages.filter((m) => m.type === 'RECORD').map((m) => m.stream));
    expect(streamsSeen).toEqual(wanted);
    const nonPersonal = sim.tenant.listWorkspaces().filter((w) => !w.isPersonal);
    expect(first.messages.filter((m) => m.type === 'RECORD' && m.stream === 'workspaces')).toHaveLength(
      nonPersonal.length,
    );
    expect(first.stdout).not.toContain(String((sim.config.credentials as Json).client_secret));

    const lastState = first.messages.filter((m) => m.type === 'STATE').at(-1)!.value as { bookmarks: Json };
    expect(Object.keys(lastState.bookmarks).sort()).toEqual(['reports', 'workspaces']);

    // Resume: a workspace changes; the next sync with the state re-reads only what changed.
    const mutation = sim.mutate({ workspaces: 1, seed: 9 });
    const stateFile = await writeInputs({ state: lastState });
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

  test('a catalog that selects nothing is refused with the fix, on stderr, exit 1', async () => {
    const inputs = await writeInputs({ config: sim.config, catalog: { streams: [] } });
    const result = await runTap(['--config', inputs.config!, '--catalog', inputs.catalog!]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/selects no stream/);
  });
});
