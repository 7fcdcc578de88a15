/**
 * Replays Airbyte's connector acceptance tests (CAT) as integration_tests/acceptance-test-config.yml
 * declares them, running the BUILT CLI against the simulator: the acceptance files are proven here.
 * secrets/config.json in the yml stands for the simulator's config; other config files keep their
 * credentials and get the simulator's endpoints, so nothing leaves the loopback interface.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { expectProtocolLines, protocolSchemaAvailable } from '../helpers/airbyte-protocol.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import {
  ACCEPTANCE_TENANT,
  FAST_POLLING,
  TIME_DEPENDENT_STREAMS,
  compareRecords,
  canonical,
  integrationDir,
  readAcceptanceConfig,
  readExpectedRecords,
  readJsonFile,
  volatileFieldsOf,
  type AcceptanceConfig,
} from '../helpers/packaging-acceptance.js';
import { specRuleViolations, streamRuleViolations } from '../helpers/packaging-spec-rules.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const describeE2e = protocolSchemaAvailable ? describe : describe.skip;

type Message = Record<string, unknown>;
type Data = Record<string, unknown>;
interface Stream {
  name: string;
  json_schema: Data & { properties: Record<string, Data> };
  source_defined_primary_key?: string[][];
}
interface Catalog {
  streams: { stream: Stream; sync_mode: string; destination_sync_mode: string }[];
}

const ENDPOINT_KEYS = ['authority_host_override', 'api_base_url_override', 'tls_ca_certificate'] as const;

function ofType(messages: Message[], type: string): Message[] {
  return messages.filter((m) => m.type === type);
}

function recordsByStream(messages: Message[]): Map<string, { data: Data; emitted_at: number }[]> {
  const out = new Map<string, { data: Data; emitted_at: number }[]>();
  for (const m of ofType(messages, 'RECORD')) {
    const r = m.record as { stream: string; data: Data; emitted_at: number };
    out.set(r.stream, [...(out.get(r.stream) ?? []), r]);
  }
  return out;
}

function traces(messages: Message[], kind: string): Data[] {
  return ofType(messages, 'TRACE')
    .map((m) => m.trace as Data)
    .filter((t) => t.type === kind);
}

function statusesOf(messages: Message[], stream: string): string[] {
  return traces(messages, 'STREAM_STATUS')
    .map((t) => t.stream_status as { stream_descriptor: { name: string }; status: string })
    .filter((s) => s.stream_descriptor.name === stream)
    .map((s) => s.status);
}

function statesOf(
  messages: Message[],
): { name: string; state: Data; sourceStats?: unknown; type: unknown }[] {
  return ofType(messages, 'STATE').map((m) => {
    const s = m.state as {
      type: unknown;
      sourceStats?: unknown;
      stream: { stream_descriptor: { name: string }; stream_state: Data };
    };
    return {
      name: s.stream.stream_descriptor.name,
      state: s.stream.stream_state,
      sourceStats: s.sourceStats,
      type: s.type,
    };
  });
}

function logs(messages: Message[], level: string): string[] {
  return ofType(messages, 'LOG')
    .map((m) => m.log as { level: string; message: string })
    .filter((l) => l.level === level)
    .map((l) => l.message);
}

function withoutFields(data: Data, fields: readonly string[]): Data {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !fields.includes(k)));
}

function asFullRefresh(catalog: Catalog): Catalog {
  return {
    streams: catalog.streams.map((s) => ({
      ...s,
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
    })),
  };
}

describeE2e('Airbyte acceptance tests replayed against the simulator', () => {
  let sim: Simulator;
  let cat: AcceptanceConfig;
  let catalog: Catalog;
  let basicRead: Message[];
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);

  /** secrets/config.json is the simulator's own config; any other file gets the simulator's endpoints. */
  function configFor(configPath: string): Data {
    const simConfig: Data = { ...(sim.config as unknown as Data), ...FAST_POLLING };
    if (configPath.startsWith('secrets/')) return simConfig;
    const file = readJsonFile<Data>(configPath);
    return { ...file, ...Object.fromEntries(ENDPOINT_KEYS.map((k) => [k, simConfig[k]])) };
  }

  async function run(args: string[], files: Record<string, unknown>) {
    const inputs = await writeInputs(files);
    const argv = [...args];
    for (const [name, file] of Object.entries(inputs)) argv.push(`--${name}`, file);
    const result = await runCli(argv);
    return { ...result, messages: expectProtocolLines(result.stdout) };
  }

  const read = (config: Data, readCatalog: unknown, state?: unknown) =>
    run(['read'], { config, catalog: readCatalog, ...(state !== undefined && { state }) });

  beforeAll(async () => {
    sim = await startSimulator(ACCEPTANCE_TENANT);
    cat = readAcceptanceConfig();
    const test = cat.acceptance_tests.basic_read.tests[0]!;
    catalog = readJsonFile<Catalog>(test.configured_catalog_path);
    const result = await read(configFor(test.config_path), catalog);
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    basicRead = result.messages;
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('spec', () => {
    test('prints exactly one SPEC equal to the committed spec file, and exits 0', async () => {
      for (const t of cat.acceptance_tests.spec.tests) {
        const result = await run(['spec'], {});
        expect(result.code).toBe(0);
        const specs = ofType(result.messages, 'SPEC');
        expect(specs).toHaveLength(1);
        expect(specs[0]!.spec).toEqual(
          JSON.parse(readFileSync(path.resolve(integrationDir, t.spec_path), 'utf8')),
        );
      }
    });

    test("keeps CAT's spec rules: secrets marked, oneOf shape, no forbidden keywords, advanced_auth paths, OAuth first", () => {
      const spec = JSON.parse(
        readFileSync(path.resolve(integrationDir, cat.acceptance_tests.spec.tests[0]!.spec_path), 'utf8'),
      ) as Data;
      expect(specRuleViolations(spec)).toEqual([]);
    });

    test('sample_config.json and invalid_config.json are valid configs under the connection specification', () => {
      const spec = readJsonFile<{ connectionSpecification: Data }>('../spec.json');
      const validate = ajv.compile(spec.connectionSpecification);
      for (const file of ['sample_config.json', 'invalid_config.json']) {
        expect({
          file,
          errors: validate(readJsonFile(file)) ? null : ajv.errorsText(validate.errors),
        }).toEqual({ file, errors: null });
      }
    });
  });

  describe('connection', () => {
    test('check answers with the status each configured test expects, exactly once, exit 0', async () => {
      for (const t of cat.acceptance_tests.connection.tests) {
        const result = await run(['check'], { config: configFor(t.config_path) });
        expect(result.code).toBe(0);
        const statuses = ofType(result.messages, 'CONNECTION_STATUS').map((m) => m.connectionStatus as Data);
        expect(statuses).toHaveLength(1);
        expect({ config: t.config_path, status: statuses[0]!.status }).toEqual({
          config: t.config_path,
          status: t.status === 'succeed' ? 'SUCCEEDED' : 'FAILED',
        });
        if (t.status === 'failed') expect(String(statuses[0]!.message)).toMatch(/tenant|client|secret/i);
      }
    });
  });

  describe('discovery', () => {
    let streams: Stream[];
    beforeAll(async () => {
      const result = await run(['discover'], {
        config: configFor(cat.acceptance_tests.discovery.tests[0]!.config_path),
      });
      expect(result.code).toBe(0);
      const catalogs = ofType(result.messages, 'CATALOG');
      expect(catalogs).toHaveLength(1);
      streams = (catalogs[0]!.catalog as { streams: Stream[] }).streams;
    });

    test('stream names are unique and every json_schema compiles as draft-07', () => {
      expect(new Set(streams.map((s) => s.name)).size).toBe(streams.length);
      for (const stream of streams) expect(() => ajv.compile(stream.json_schema)).not.toThrow();
    });

    test('primary keys and cursor fields exist in the schemas; no $ref, allOf or not', () => {
      const problems = streams
        .flatMap((s) => streamRuleViolations(s as unknown as Data))
        .filter((p) => !p.includes('additionalProperties'));
      expect(problems).toEqual([]);
    });

    test('configured_catalog.json lists exactly the discovered streams (regenerate it when they change)', () => {
      expect(canonical(catalog.streams.map((s) => s.stream))).toBe(canonical(streams));
    });
  });

  describe('basic_read', () => {
    const test0 = () => cat.acceptance_tests.basic_read.tests[0]!;

    test('every record validates against its stream schema, has no undeclared column and non-null keys', () => {
      const byStream = recordsByStream(basicRead);
      for (const { stream } of catalog.streams) {
        const validate: ValidateFunction = ajv.compile(stream.json_schema);
        const declared = new Set(Object.keys(stream.json_schema.properties));
        const problems: string[] = [];
        for (const { data } of byStream.get(stream.name) ?? []) {
          if (!validate(data)) problems.push(ajv.errorsText(validate.errors));
          const extra = Object.keys(data).filter((k) => !declared.has(k));
          if (test0().fail_on_extra_columns !== false && extra.length > 0)
            problems.push(`extra columns ${extra.join(',')}`);
          for (const [key] of stream.source_defined_primary_key ?? []) {
            const value = data[key!];
            if (value === null || value === undefined || typeof value === 'object')
              problems.push(`key ${key} is ${JSON.stringify(value)}`);
          }
        }
        expect({ stream: stream.name, problems: problems.slice(0, 3) }).toEqual({
          stream: stream.name,
          problems: [],
        });
      }
    });

    test('every configured stream has records except the declared empty streams', () => {
      const empty = new Set((test0().empty_streams ?? []).map((s) => s.name));
      const byStream = recordsByStream(basicRead);
      const withoutRecords = catalog.streams.map((s) => s.stream.name).filter((n) => !byStream.has(n));
      expect(withoutRecords.sort()).toEqual([...empty].sort());
    });

    test('records match expected_records.jsonl the way CAT compares them', () => {
      const flags = test0().expect_records!;
      const expected = readExpectedRecords(flags.path);
      const expectedByStream = new Map<string, Data[]>();
      for (const r of expected)
        expectedByStream.set(r.stream, [...(expectedByStream.get(r.stream) ?? []), r.data]);
      const actual = recordsByStream(basicRead);
      const problems = [...expectedByStream].flatMap(([stream, rows]) =>
        compareRecords(
          stream,
          (actual.get(stream) ?? []).map((r) => r.data),
          rows,
          {
            exactOrder: flags.exact_order ?? false,
            extraFields: flags.extra_fields ?? false,
            extraRecords: flags.extra_records ?? true,
          },
        ),
      );
      expect(problems).toEqual([]);
      const compared = [...expectedByStream.keys()].sort();
      const expectedStreams = catalog.streams
        .map((s) => s.stream.name)
        .filter((n) => actual.has(n) && !(TIME_DEPENDENT_STREAMS as readonly string[]).includes(n));
      expect(compared).toEqual(expectedStreams.sort());
    });

    test('expected records leave out only the documented volatile fields', () => {
      const actual = recordsByStream(basicRead);
      for (const record of readExpectedRecords(test0().expect_records!.path)) {
        const sample = actual.get(record.stream)![0]!.data;
        expect({ stream: record.stream, keys: Object.keys(record.data).sort() }).toEqual({
          stream: record.stream,
          keys: Object.keys(withoutFields(sample, volatileFieldsOf(record.stream))).sort(),
        });
      }
    });

    test('every configured stream emits STREAM states with sourceStats, counts adding up to its records', () => {
      const states = statesOf(basicRead);
      const byStream = recordsByStream(basicRead);
      for (const { stream } of catalog.streams) {
        const own = states.filter((s) => s.name === stream.name);
        expect(own.length).toBeGreaterThanOrEqual(1);
        expect(own.every((s) => s.type === 'STREAM' && typeof s.sourceStats === 'object')).toBe(true);
        const counted = own.reduce(
          (sum, s) => sum + (s.sourceStats as { recordCount: number }).recordCount,
          0,
        );
        expect({ stream: stream.name, counted }).toEqual({
          stream: stream.name,
          counted: byStream.get(stream.name)?.length ?? 0,
        });
      }
    });

    test('stream statuses go STARTED, RUNNING, COMPLETE for every configured stream', () => {
      for (const { stream } of catalog.streams) {
        expect({ stream: stream.name, statuses: statusesOf(basicRead, stream.name) }).toEqual({
          stream: stream.name,
          statuses: ['STARTED', 'RUNNING', 'COMPLETE'],
        });
      }
    });

    test('a read with an invalid catalog (unknown stream, sync_mode INVALID) yields a TRACE error and fails', async () => {
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
      const inputs = await writeInputs({ config: configFor(test0().config_path), catalog: invalid });
      const result = await runCli(['read', '--config', inputs.config!, '--catalog', inputs.catalog!]);
      expect(result.code).not.toBe(0);
      const messages = result.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Message);
      expect(traces(messages, 'ERROR').length).toBeGreaterThanOrEqual(1);
    });
  });

  describe('full_refresh', () => {
    test('two full refreshes give the same records, the second with strictly later emitted_at', async () => {
      const t = cat.acceptance_tests.full_refresh.tests[0]!;
      const fullCatalog = asFullRefresh(readJsonFile<Catalog>(t.configured_catalog_path));
      const first = await read(configFor(t.config_path), fullCatalog);
      const second = await read(configFor(t.config_path), fullCatalog);
      expect([first.code, second.code]).toEqual([0, 0]);
      const a = recordsByStream(first.messages);
      const b = recordsByStream(second.messages);
      const lastOfFirst = Math.max(...[...a.values()].flat().map((r) => r.emitted_at));
      const firstOfSecond = Math.min(...[...b.values()].flat().map((r) => r.emitted_at));
      expect(firstOfSecond).toBeGreaterThan(lastOfFirst);
      for (const { stream } of fullCatalog.streams) {
        const ignored = (t.ignored_fields?.[stream.name] ?? []).map((f) => f.name);
        const norm = (rows: { data: Data }[] | undefined) =>
          (rows ?? []).map((r) => canonical(withoutFields(r.data, ignored))).sort();
        expect({
          stream: stream.name,
          same: canonical(norm(a.get(stream.name))) === canonical(norm(b.get(stream.name))),
        }).toEqual({
          stream: stream.name,
          same: true,
        });
      }
    });
  });

  describe('incremental', () => {
    const t = () => cat.acceptance_tests.incremental.tests[0]!;

    function expectValidStates(messages: Message[], streams: string[]): void {
      const states = statesOf(messages);
      for (const name of streams) {
        const own = states.filter((s) => s.name === name);
        expect({ name, states: own.length > 0 }).toEqual({ name, states: true });
        for (const s of own) {
          expect(s.type).toBe('STREAM');
          expect(s.state.version).toBe(1);
          const cursor = s.state.cursor;
          if (typeof cursor === 'string') expect(Date.parse(cursor)).toBeLessThanOrEqual(Date.now());
        }
      }
    }

    test('sample_state.json: the read succeeds, says why it plans a full scan, and writes valid states', async () => {
      const state = readJsonFile<unknown[]>('sample_state.json');
      const result = await read(configFor(t().config_path), readJsonFile(t().configured_catalog_path), state);
      expect(result.code).toBe(0);
      expect(ofType(result.messages, 'RECORD').length).toBeGreaterThanOrEqual(0);
      expect(logs(result.messages, 'INFO').some((m) => /older than/.test(m))).toBe(true);
      expectValidStates(
        result.messages,
        catalog.streams.map((s) => s.stream.name),
      );
    });

    test('abnormal_state.json (cursors in 2999): warns per stream, scans everything, writes present-day states', async () => {
      const future = t().future_state!;
      const state = readJsonFile<{ stream: { stream_descriptor: { name: string } } }[]>(
        future.future_state_path,
      );
      expect(future.bypass_reason).toMatch(/full scan/);
      const result = await read(configFor(t().config_path), readJsonFile(t().configured_catalog_path), state);
      expect(result.code).toBe(0);
      expectValidStates(
        result.messages,
        catalog.streams.map((s) => s.stream.name),
      );
      const warnings = logs(result.messages, 'WARN');
      const full = recordsByStream(basicRead);
      const got = recordsByStream(result.messages);
      for (const entry of state) {
        const name = entry.stream.stream_descriptor.name;
        if ((TIME_DEPENDENT_STREAMS as readonly string[]).includes(name)) continue;
        expect({ name, warned: warnings.some((w) => w.includes(name) && /future/.test(w)) }).toEqual({
          name,
          warned: true,
        });
        const norm = (rows: { data: Data }[] | undefined) =>
          (rows ?? []).map((r) => canonical(withoutFields(r.data, volatileFieldsOf(name)))).sort();
        expect({ name, same: canonical(norm(got.get(name))) === canonical(norm(full.get(name))) }).toEqual({
          name,
          same: true,
        });
      }
    });

    // KNOWN GAP (reported): refresh_history trusts a cursor in the future, so the refreshes of the
    // artifacts its state knows are skipped without a warning. Flip to `test` once it is fixed.
    test('abnormal_state.json: refresh_history reads the full history despite a cursor in the future', async () => {
      const state = readJsonFile<unknown[]>(t().future_state!.future_state_path);
      const only = {
        streams: catalog.streams.filter((s) => ['datasets', 'refresh_history'].includes(s.stream.name)),
      };
      const stateless = await read(configFor(t().config_path), only);
      const withState = await read(configFor(t().config_path), only, state);
      const ids = (m: Message[]) =>
        (recordsByStream(m).get('refresh_history') ?? []).map((r) => String(r.data.refreshId)).sort();
      expect(ids(withState.messages)).toEqual(ids(stateless.messages));
    });
  });

  // KNOWN GAP (reported): CAT's discovery test requires additionalProperties to be true wherever it
  // is set; schemas/*.json set it to false. Flip to `test` once discover emits true.
  test('discovered stream schemas set additionalProperties only to true', async () => {
    const result = await run(['discover'], {
      config: configFor(cat.acceptance_tests.discovery.tests[0]!.config_path),
    });
    const streams = (ofType(result.messages, 'CATALOG')[0]!.catalog as { streams: Stream[] }).streams;
    expect(streams.flatMap((s) => streamRuleViolations(s as unknown as Data))).toEqual([]);
  });
});
