/**
 * The `catalog` helper (not an Airbyte command): a configured catalog built from discover, valid
 * against the official protocol schema, that `read` accepts; and the error `read` gives for
 * discover's own output, which points at the helper. All through the built CLI, against the simulator.
 * After discover (beforeAll), the cases only read the simulator: they run concurrently.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { protocolSchemaAvailable, protocolSchemaPath } from '../helpers/airbyte-protocol.js';
import { runCli, writeInputs, type CliResult } from '../helpers/cli.js';

type Json = Record<string, unknown>;
interface ConfiguredEntry {
  stream: { name: string; default_cursor_field?: string[]; source_defined_primary_key?: string[][] };
  sync_mode: string;
  destination_sync_mode: string;
  cursor_field: string[];
  primary_key: string[][];
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const testWithSchema = protocolSchemaAvailable ? test.concurrent : test.skip;

function jsonLines(stdout: string): Json[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Json);
}

function errorOf(result: CliResult): { message: string; failure_type: string } {
  const trace = jsonLines(result.stdout).find((m) => m.type === 'TRACE') as
    { trace: { error: { message: string; failure_type: string } } } | undefined;
  if (!trace) throw new Error(`no TRACE in: ${result.stdout.slice(0, 500)}`);
  return trace.trace.error;
}

describe('catalog helper command → read', () => {
  let sim: Simulator;
  let configPath: string;
  let discovered: Json[];

  async function catalogOf(...args: string[]): Promise<{ streams: ConfiguredEntry[] }> {
    const result = await runCli(['catalog', '--config', configPath, ...args]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines).toHaveLength(1);
    return lines[0] as unknown as { streams: ConfiguredEntry[] };
  }

  async function read(catalog: unknown, state?: unknown): Promise<CliResult & { messages: Json[] }> {
    const inputs = await writeInputs({ catalog, ...(state !== undefined && { state }) });
    const args = ['read', '--config', configPath, '--catalog', inputs.catalog!];
    if (inputs.state) args.push('--state', inputs.state);
    const result = await runCli(args);
    return { ...result, messages: jsonLines(result.stdout) };
  }

  beforeAll(async () => {
    sim = await startSimulator({ seed: 3, workspaces: 3, scanDurationMs: 20 });
    const inputs = await writeInputs({ config: { ...sim.config, scan: { poll_interval_seconds: 0.05 } } });
    configPath = inputs.config!;
    const discover = await runCli(['discover', '--config', configPath]);
    expect(discover.code).toBe(0);
    const message = jsonLines(discover.stdout).find((m) => m.type === 'CATALOG') as {
      catalog: { streams: Json[] };
    };
    discovered = message.catalog.streams;
  });
  afterAll(async () => {
    await sim.close();
  });

  test.concurrent(
    'by default: every stream discover lists, incremental, append_dedup, its cursor and key',
    async () => {
      const catalog = await catalogOf();
      expect(catalog.streams.map((s) => s.stream)).toEqual(discovered);
      for (const entry of catalog.streams) {
        expect(entry.sync_mode).toBe('incremental');
        expect(entry.destination_sync_mode).toBe('append_dedup');
        expect(entry.cursor_field).toEqual(entry.stream.default_cursor_field);
        expect(entry.primary_key).toEqual(entry.stream.source_defined_primary_key);
        expect(entry.primary_key.length).toBeGreaterThan(0);
      }
    },
  );

  testWithSchema('its output is a ConfiguredAirbyteCatalog by the official protocol schema', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...(parseYaml(readFileSync(protocolSchemaPath, 'utf8')) as Json), $id: 'protocol' });
    const validate = ajv.getSchema('protocol#/definitions/ConfiguredAirbyteCatalog')!;
    for (const catalog of await Promise.all([catalogOf(), catalogOf('--mode', 'full_refresh')])) {
      expect(validate(catalog) ? [] : validate.errors).toEqual([]);
    }
  });

  test.concurrent('--streams and --mode full_refresh: those streams, in that order, overwrite', async () => {
    const catalog = await catalogOf('--streams', 'reports,workspaces', '--mode', 'full_refresh');
    expect(catalog.streams.map((s) => s.stream.name)).toEqual(['reports', 'workspaces']);
    expect(catalog.streams.map((s) => [s.sync_mode, s.destination_sync_mode])).toEqual([
      ['full_refresh', 'overwrite'],
      ['full_refresh', 'overwrite'],
    ]);
  });

  test.concurrent(
    'unknown stream names are a config error naming them and listing the valid ones',
    async () => {
      const result = await runCli([
        'catalog',
        '--config',
        configPath,
        '--streams',
        'workspaces,nope,activity_events',
      ]);
      expect(result.code).toBe(1);
      const error = errorOf(result);
      expect(error.failure_type).toBe('config_error');
      expect(error.message).toContain('"nope"');
      expect(error.message).toMatch(/"activity_events" must first be enabled in the config/);
      for (const stream of discovered) expect(error.message).toContain(String(stream.name));
    },
  );

  test.concurrent(
    'read accepts the catalog; its last STATE per stream, passed back, continues the sync',
    async () => {
      const catalog = await catalogOf('--streams', 'workspaces,reports');
      const first = await read(catalog);
      expect(first.code).toBe(0);
      const recordStreams = new Set(
        first.messages.filter((m) => m.type === 'RECORD').map((m) => (m.record as { stream: string }).stream),
      );
      expect([...recordStreams].sort()).toEqual(['reports', 'workspaces']);
      const lastStates = new Map<string, Json>();
      for (const m of first.messages) {
        if (m.type !== 'STATE') continue;
        const state = m.state as { stream: { stream_descriptor: { name: string } } };
        lastStates.set(state.stream.stream_descriptor.name, state);
      }
      expect([...lastStates.keys()].sort()).toEqual(['reports', 'workspaces']);
      const second = await read(catalog, [...lastStates.values()]);
      expect(second.code).toBe(0);
      expect(second.messages.some((m) => m.type === 'TRACE' && (m.trace as Json).type === 'ERROR')).toBe(
        false,
      );
    },
  );

  test.concurrent.each([
    ['the CATALOG message', (streams: Json[]) => ({ type: 'CATALOG', catalog: { streams } })],
    ['its catalog part', (streams: Json[]) => ({ streams })],
  ])(
    'read given discover output (%s) explains the configured catalog and points at the helper',
    async (_, shape) => {
      const result = await read(shape(discovered));
      expect(result.code).toBe(1);
      const error = errorOf(result);
      expect(error.failure_type).toBe('config_error');
      expect(error.message).toContain('not a configured catalog');
      expect(error.message).toContain('sync_mode');
      expect(error.message).toContain('destination_sync_mode');
      expect(error.message).toContain('catalog --config');
    },
  );
});
