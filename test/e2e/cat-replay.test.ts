/**
 * One session of Airbyte's connector acceptance tests (CAT 3.x: TestSpec, TestConnection,
 * TestDiscovery, TestBasicRead, TestFullRefresh, TestIncremental), as acceptance-test-config.yml
 * declares it, replayed through the BUILT CLI against one simulator tenant. Each test asserts what
 * the CAT test of the same name asserts (re-expressed, not copied). secrets/config.json stands for
 * the simulator's config; other config files keep their credentials and get its endpoints. The
 * session's admin/workspaces/modified calls are counted against Power BI's hourly budget, and no
 * secret of any config may appear in any output.
 * Not replayed: backward compatibility against a previous image (disabled for 0.1.0), image labels
 * and AIRBYTE_ENTRYPOINT (test/unit/packaging/dockerfile.test.ts checks them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import {
  checkpointsToReplay,
  cursorValuesIn,
  sameCursorShape,
  uniqueStatesWithExpectedCount,
  type StateMessage,
} from '../helpers/cat-incremental.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import {
  ACCEPTANCE_TENANT,
  FAST_POLLING,
  canonical,
  compareExpectedRecords,
  primaryKeyOf,
  readAcceptanceConfig,
  readExpectedRecords,
  readRepoJson,
  type AcceptanceConfig,
  type AcceptanceTest,
} from '../helpers/packaging-acceptance.js';
import { specRuleViolations, streamRuleViolations } from '../helpers/packaging-spec-rules.js';
import { repoRoot } from '../helpers/paths.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = Record<string, unknown>;
type Message = Json & { type: string };
interface Stream {
  name: string;
  json_schema: Json & { properties?: Record<string, Json> };
  supported_sync_modes: string[];
  source_defined_primary_key?: string[][];
  default_cursor_field?: string[];
}
interface ConfiguredStream {
  stream: Stream;
  sync_mode: string;
  destination_sync_mode: string;
  cursor_field?: string[];
  primary_key?: string[][];
}
interface Catalog {
  streams: ConfiguredStream[];
}
interface RecordMessage {
  stream: string;
  data: Json;
  emitted_at: number;
}

/** Power BI's hourly budget of admin/workspaces/modified calls per app. */
const MODIFIED_CALLS_PER_HOUR = 30;
const ENDPOINT_KEYS = ['authority_host_override', 'api_base_url_override', 'tls_ca_certificate'] as const;

const ofType = (messages: Message[], type: string): Message[] => messages.filter((m) => m.type === type);
const recordsOf = (messages: Message[]): RecordMessage[] =>
  ofType(messages, 'RECORD').map((m) => m.record as RecordMessage);
const statesOf = (messages: Message[]): StateMessage[] =>
  ofType(messages, 'STATE') as unknown as StateMessage[];
const tracesOf = (messages: Message[], kind: string): Json[] =>
  ofType(messages, 'TRACE')
    .map((m) => m.trace as Json)
    .filter((t) => t.type === kind);

function byStream<T extends { stream: string }>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(item.stream, [...(out.get(item.stream) ?? []), item]);
  return out;
}

/** build_configured_catalog_from_discovered_catalog_and_empty_streams. */
function catalogFromDiscovered(discovered: Stream[], emptyStreams: string[]): Catalog {
  return {
    streams: discovered
      .filter((s) => !emptyStreams.includes(s.name))
      .map((stream) => ({
        stream,
        sync_mode: stream.supported_sync_modes[0]!,
        destination_sync_mode: 'append',
        ...(stream.default_cursor_field && { cursor_field: stream.default_cursor_field }),
        ...(stream.source_defined_primary_key && { primary_key: stream.source_defined_primary_key }),
      })),
  };
}

/** build_configured_catalog_from_custom_catalog: the file's streams, each with its discovered definition. */
function catalogFromFile(file: string, discovered: Stream[]): Catalog {
  const custom = readRepoJson<Catalog>(file);
  return {
    streams: custom.streams.map((configured) => {
      const stream = discovered.find((s) => s.name === configured.stream.name);
      if (!stream) throw new Error(`${file}: stream ${configured.stream.name} is not discovered`);
      return { ...configured, stream };
    }),
  };
}

/** full_refresh_only_catalog / incremental_only_catalog. */
function onlyMode(catalog: Catalog, mode: 'full_refresh' | 'incremental'): Catalog {
  return {
    streams: catalog.streams
      .filter((s) => s.stream.supported_sync_modes.includes(mode))
      .map((s) => ({
        ...s,
        sync_mode: mode,
        ...(mode === 'incremental' &&
          !s.cursor_field?.length && { cursor_field: s.stream.default_cursor_field }),
      })),
  };
}

/** The per-stream input state CAT builds from the latest state of each stream. */
function stateInput(latest: Map<string, unknown>): Json[] {
  return [...latest].map(([name, streamState]) => ({
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: streamState },
  }));
}

/** Every value of the config marked airbyte_secret in the connection specification. */
function secretValues(schema: Json, config: unknown): string[] {
  if (typeof config !== 'object' || config === null) return [];
  const options = [schema, ...((schema.oneOf as Json[] | undefined) ?? [])];
  return options.flatMap((option) =>
    Object.entries((option.properties as Record<string, Json> | undefined) ?? {}).flatMap(
      ([key, property]) => {
        const value = (config as Json)[key];
        if (property.airbyte_secret === true && typeof value === 'string' && value.length > 0) return [value];
        return secretValues(property, value);
      },
    ),
  );
}

/** CAT 3.3.2+: extra columns fail at any depth; additionalProperties is set to false on every object. */
function withoutExtraProperties(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutExtraProperties);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, withoutExtraProperties(v)]));
  const types = ([] as unknown[]).concat((schema as Json).type ?? []);
  if (types.includes('object') && 'properties' in schema) out.additionalProperties = false;
  return out;
}

describe('CAT session replayed against the simulator', () => {
  let sim: Simulator;
  let cat: AcceptanceConfig;
  let discovered: Stream[];
  let connectionSpecification: Json;
  const transcript: string[] = [];
  const secrets = new Set<string>();
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);

  const suite = (name: keyof AcceptanceConfig['acceptance_tests']): AcceptanceTest =>
    cat.acceptance_tests[name].tests[0]!;

  /** secrets/config.json is the simulator's config; any other file keeps its values and gets the simulator's endpoints. */
  function configFor(configPath: string): Json {
    const simConfig: Json = { ...(sim.config as unknown as Json), ...FAST_POLLING };
    const config = configPath.startsWith('secrets/')
      ? simConfig
      : {
          ...readRepoJson<Json>(configPath),
          ...Object.fromEntries(ENDPOINT_KEYS.map((k) => [k, simConfig[k]])),
        };
    for (const secret of secretValues(connectionSpecification, config)) secrets.add(secret);
    return config;
  }

  async function run(command: string, files: Record<string, unknown>) {
    const inputs = await writeInputs(files);
    const argv = [command, ...Object.entries(inputs).flatMap(([name, file]) => [`--${name}`, file])];
    const result = await runCli(argv);
    transcript.push(result.stdout, result.stderr);
    return { ...result, messages: expectProtocolLines(result.stdout) as Message[] };
  }

  async function read(configPath: string, catalog: Catalog, state?: unknown) {
    const result = await run('read', {
      config: configFor(configPath),
      catalog,
      ...(state !== undefined && { state }),
    });
    expect({ code: result.code, errors: tracesOf(result.messages, 'ERROR') }).toEqual({
      code: 0,
      errors: [],
    });
    return result.messages;
  }

  beforeAll(async () => {
    sim = await startSimulator(ACCEPTANCE_TENANT);
    cat = readAcceptanceConfig();
    connectionSpecification = readRepoJson<{ connectionSpecification: Json }>(
      'spec.json',
    ).connectionSpecification;
    const result = await run('discover', { config: configFor(suite('discovery').config_path) });
    discovered =
      (ofType(result.messages, 'CATALOG')[0]?.catalog as { streams: Stream[] } | undefined)?.streams ?? [];
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('TestSpec', () => {
    test('test_match_expected: exactly one SPEC, equal to the committed spec file', async () => {
      const result = await run('spec', {});
      expect(result.code).toBe(0);
      const specs = ofType(result.messages, 'SPEC');
      expect(specs).toHaveLength(1);
      expect(specs[0]!.spec).toEqual(readRepoJson(suite('spec').spec_path!));
    });

    test('test_config_match_spec: the config validates against the connection specification', () => {
      const validate = ajv.compile(connectionSpecification);
      for (const t of cat.acceptance_tests.connection.tests) {
        const config = Object.fromEntries(
          Object.entries(configFor(t.config_path)).filter(([k]) => !k.startsWith('_')),
        );
        expect({
          config: t.config_path,
          errors: validate(config) ? null : ajv.errorsText(validate.errors),
        }).toEqual({
          config: t.config_path,
          errors: null,
        });
      }
    });

    test('secrets marked, enums, oneOf, types, arrays, forbidden keywords, order, groups, display_type, $ref, OAuth paths and default', () => {
      expect(specRuleViolations(readRepoJson(suite('spec').spec_path!))).toEqual([]);
    });
  });

  describe('TestConnection', () => {
    test('test_check: one CONNECTION_STATUS with the status each test expects, exit 0', async () => {
      for (const t of cat.acceptance_tests.connection.tests) {
        const result = await run('check', { config: configFor(t.config_path) });
        const statuses = ofType(result.messages, 'CONNECTION_STATUS').map(
          (m) => (m.connectionStatus as Json).status,
        );
        expect({ config: t.config_path, code: result.code, statuses }).toEqual({
          config: t.config_path,
          code: 0,
          statuses: [t.status === 'failed' ? 'FAILED' : 'SUCCEEDED'],
        });
      }
    });
  });

  describe('TestDiscovery', () => {
    test('test_discover: one CATALOG with streams, uniquely named', () => {
      expect(discovered.length).toBeGreaterThan(0);
      expect(new Set(discovered.map((s) => s.name)).size).toBe(discovered.length);
    });

    test('schemas are valid draft-07; cursors and keys exist; no $ref, allOf, not; sync modes; additionalProperties only true', () => {
      const draft7 = new Ajv({ strict: false });
      for (const stream of discovered) {
        expect({ stream: stream.name, valid: draft7.validateSchema(stream.json_schema) }).toEqual({
          stream: stream.name,
          valid: true,
        });
        expect(stream.supported_sync_modes.length).toBeGreaterThan(0);
      }
      expect(discovered.flatMap((s) => streamRuleViolations(s as unknown as Json))).toEqual([]);
    });

    test('test_primary_keys_data_type: no primary key part is an object or array', () => {
      const problems = discovered.flatMap((s) =>
        (s.source_defined_primary_key ?? []).flatMap((keyPath) => {
          const types = ([] as unknown[]).concat(s.json_schema.properties?.[keyPath[0]!]?.type ?? []);
          return types.some((t) => t === 'object' || t === 'array') ? [`${s.name}.${keyPath.join('.')}`] : [];
        }),
      );
      expect(problems).toEqual([]);
    });

    test('the committed configured catalogs name discovered streams (regenerate them when streams change)', () => {
      for (const t of [suite('full_refresh'), suite('incremental')])
        expect(() => catalogFromFile(t.configured_catalog_path!, discovered)).not.toThrow();
      const committed = readRepoJson<Catalog>(suite('full_refresh').configured_catalog_path!);
      expect(canonical(committed.streams.map((s) => s.stream))).toBe(canonical(discovered));
    });
  });

  describe('TestBasicRead', () => {
    let catalog: Catalog;
    let messages: Message[];
    beforeAll(async () => {
      const t = suite('basic_read');
      catalog = catalogFromDiscovered(
        discovered,
        (t.empty_streams ?? []).map((s) => s.name),
      );
      messages = await read(t.config_path, catalog);
    });

    test('test_read: records that validate against their schema, no extra column at any depth', () => {
      const records = recordsOf(messages);
      expect(records.length).toBeGreaterThan(0);
      const strict = suite('basic_read').fail_on_extra_columns !== false;
      for (const { stream } of catalog.streams) {
        const validate: ValidateFunction = ajv.compile(
          (strict ? withoutExtraProperties(stream.json_schema) : stream.json_schema) as Json,
        );
        const problems = records
          .filter((r) => r.stream === stream.name)
          .filter((r) => !validate(r.data))
          .map(() => ajv.errorsText(validate.errors));
        expect({ stream: stream.name, problems: problems.slice(0, 2) }).toEqual({
          stream: stream.name,
          problems: [],
        });
      }
    });

    test('test_read: every configured stream has records', () => {
      const read = new Set(recordsOf(messages).map((r) => r.stream));
      expect(catalog.streams.map((s) => s.stream.name).filter((n) => !read.has(n))).toEqual([]);
    });

    test('test_read: primary keys are never object or array, and never null in every part', () => {
      const problems = catalog.streams.flatMap(({ stream }) =>
        recordsOf(messages)
          .filter((r) => r.stream === stream.name)
          .flatMap((r) => {
            const key = primaryKeyOf(r.data, stream.source_defined_primary_key ?? []);
            if (key.length === 0) return [];
            if (key.some((v) => typeof v === 'object' && v !== null))
              return [`${stream.name}: object key ${canonical(key)}`];
            return key.every((v) => v === null) ? [`${stream.name}: null key`] : [];
          }),
      );
      expect(problems.slice(0, 3)).toEqual([]);
    });

    test('test_read: the expected records are read (primary keys, in order)', () => {
      const flags = suite('basic_read').expect_records!;
      const expected = byStream(readExpectedRecords(flags.path!));
      const actual = byStream(recordsOf(messages));
      expect(expected.size).toBeGreaterThan(0);
      const problems = [...expected].flatMap(([name, rows]) => {
        const stream = catalog.streams.find((s) => s.stream.name === name);
        if (!stream) return [`${name}: expected records of a stream the read does not configure`];
        return compareExpectedRecords(
          name,
          (actual.get(name) ?? []).map((r) => r.data),
          rows.map((r) => r.data),
          stream.stream.source_defined_primary_key ?? [],
          flags.exact_order ?? false,
        );
      });
      expect(problems).toEqual([]);
    });

    test('test_read: every stream goes STARTED, RUNNING (at least once), COMPLETE', () => {
      const statuses = new Map<string, string[]>();
      for (const t of tracesOf(messages, 'STREAM_STATUS')) {
        const s = t.stream_status as { stream_descriptor: { name: string }; status: string };
        statuses.set(s.stream_descriptor.name, [...(statuses.get(s.stream_descriptor.name) ?? []), s.status]);
      }
      expect([...statuses.keys()].sort()).toEqual(catalog.streams.map((s) => s.stream.name).sort());
      for (const [name, list] of statuses) {
        const shape =
          list.length >= 3 &&
          list[0] === 'STARTED' &&
          list.at(-1) === 'COMPLETE' &&
          list.slice(1, -1).every((s) => s === 'RUNNING');
        expect({ name, list, shape }).toEqual({ name, list, shape: true });
      }
    });

    test('test_read: at least one STATE per stream, none LEGACY, each with sourceStats', () => {
      const states = statesOf(messages);
      expect(states.length).toBeGreaterThanOrEqual(catalog.streams.length);
      for (const s of states) {
        expect(s.state.type).not.toBe('LEGACY');
        expect(typeof s.state.sourceStats).toBe('object');
      }
    });

    test('test_airbyte_trace_message_on_failure: an invalid catalog gets at least one TRACE error', async () => {
      const invalid = {
        streams: [
          {
            stream: {
              name: '__AIRBYTE__stream_that_does_not_exist',
              json_schema: { type: 'object', properties: { f1: { type: 'string' } } },
              supported_sync_modes: ['full_refresh'],
            },
            sync_mode: 'INVALID',
            destination_sync_mode: 'INVALID',
          },
        ],
      };
      const result = await run('read', {
        config: configFor(suite('basic_read').config_path),
        catalog: invalid,
      });
      expect(tracesOf(result.messages, 'ERROR').length).toBeGreaterThanOrEqual(1);
    });
  });

  describe('TestFullRefresh', () => {
    test('test_sequential_reads: records, and every emitted_at of the second read after the first', async () => {
      const t = suite('full_refresh');
      const catalog = onlyMode(catalogFromFile(t.configured_catalog_path!, discovered), 'full_refresh');
      const first = recordsOf(await read(t.config_path, catalog));
      const second = recordsOf(await read(t.config_path, catalog));
      expect(first.length).toBeGreaterThan(0);
      expect(Math.min(...second.map((r) => r.emitted_at))).toBeGreaterThan(
        Math.max(...first.map((r) => r.emitted_at)),
      );
    });
  });

  describe('TestIncremental', () => {
    const catalog = () =>
      onlyMode(catalogFromFile(suite('incremental').configured_catalog_path!, discovered), 'incremental');

    test('test_two_sequential_reads: states and records, then a read from the last states returns other records', async () => {
      const t = suite('incremental');
      const first = await read(t.config_path, catalog());
      expect(statesOf(first).length).toBeGreaterThan(0);
      expect(recordsOf(first).length).toBeGreaterThan(0);
      const latest = new Map(
        statesOf(first).map((s) => [
          s.state.stream.stream_descriptor.name,
          s.state.stream.stream_state ?? {},
        ]),
      );
      const second = await read(t.config_path, catalog(), stateInput(latest));
      const multiset = (records: RecordMessage[]) => records.map((r) => canonical(r.data)).sort();
      expect(canonical(multiset(recordsOf(second)))).not.toBe(canonical(multiset(recordsOf(first))));
    });

    test('test_read_sequential_slices: from each sampled checkpoint, a read returns at least the records still to come', async () => {
      const t = suite('incremental');
      expect(t.skip_comprehensive_incremental_tests ?? false).toBe(false);
      for (const configured of catalog().streams) {
        const single = { streams: [configured] };
        const full = await read(t.config_path, single);
        if (recordsOf(full).length === 0 || statesOf(full).length === 0) continue;
        const replay = checkpointsToReplay(uniqueStatesWithExpectedCount(statesOf(full)));
        expect(replay.length).toBeGreaterThan(0);
        const latest = new Map<string, unknown>();
        for (const { message, expected } of replay) {
          if (message.state.stream.stream_state)
            latest.set(message.state.stream.stream_descriptor.name, message.state.stream.stream_state);
          const resumed = recordsOf(await read(t.config_path, single, stateInput(latest)));
          expect({
            stream: configured.stream.name,
            atLeast: expected,
            read: resumed.length >= expected,
          }).toEqual({
            stream: configured.stream.name,
            atLeast: expected,
            read: true,
          });
        }
      }
    });

    test('test_state_with_abnormally_large_values: no records, states back, cursors under the cursor field in the same format', async () => {
      const t = suite('incremental');
      const future = readRepoJson<StateMessage['state'][]>(t.future_state!.future_state_path!);
      const messages = await read(t.config_path, catalog(), future);
      expect(recordsOf(messages).map((r) => r.stream)).toEqual([]);
      const states = statesOf(messages);
      expect(states.length).toBeGreaterThan(0);
      const cursorOf = (s: ConfiguredStream) =>
        (s.cursor_field?.length ? s.cursor_field : s.stream.default_cursor_field)?.[0] ?? '';
      for (const configured of catalog().streams) {
        const field = cursorOf(configured);
        const futureValues = future
          .filter((s) => s.stream.stream_descriptor.name === configured.stream.name)
          .flatMap((s) => cursorValuesIn(s.stream.stream_state, field));
        expect({ stream: configured.stream.name, futureValues: futureValues.length > 0 }).toEqual({
          stream: configured.stream.name,
          futureValues: true,
        });
        const emitted = states.filter(
          (s) => s.state.stream.stream_descriptor.name === configured.stream.name,
        );
        const actualValues = emitted.flatMap((s) => cursorValuesIn(s.state.stream.stream_state, field));
        const types = ([] as string[])
          .concat(configured.stream.json_schema.properties?.[field]?.type as string[])
          .filter((x) => x !== 'null');
        const pattern = t.future_state!.cursor_format?.format;
        actualValues.forEach((actual, i) => {
          const expectedFuture = futureValues[i];
          if (types.includes('string'))
            expect(typeof actual === 'string' && typeof expectedFuture === 'string').toBe(true);
          if (typeof actual !== 'string' || typeof expectedFuture !== 'string') return;
          if (pattern) expect([actual, expectedFuture].every((v) => new RegExp(pattern).test(v))).toBe(true);
          else
            expect({ actual, expectedFuture, same: sameCursorShape(actual, expectedFuture) }).toMatchObject({
              same: true,
            });
        });
      }
    });
  });

  describe('the session as a whole', () => {
    test(`fits Power BI's budget: at most the ${MODIFIED_CALLS_PER_HOUR / 2} modified calls acceptance-test-config.yml promises, none throttled`, () => {
      const stats = sim.stats();
      const promised = Number(
        /makes at most (\d+)/.exec(
          readFileSync(path.join(repoRoot, 'acceptance-test-config.yml'), 'utf8'),
        )?.[1],
      );
      expect(promised).toBeLessThanOrEqual(MODIFIED_CALLS_PER_HOUR / 2);
      expect({ modified: stats.requests.modified ?? 0, throttled: stats.throttled.modified ?? 0 }).toEqual({
        modified: expect.any(Number) as unknown,
        throttled: 0,
      });
      expect(stats.requests.modified).toBeLessThanOrEqual(promised);
      console.info(`CAT replay: ${stats.requests.modified} admin/workspaces/modified calls`);
    });

    test('no secret of any config appears in any output (stdout or stderr)', () => {
      expect(secrets.size).toBeGreaterThan(0);
      const output = transcript.join('\n');
      const leaked = [...secrets].filter((secret) => output.includes(secret));
      expect(leaked.map((s) => `${s.slice(0, 3)}… (${s.length} chars)`)).toEqual([]);
    });
  });
});
