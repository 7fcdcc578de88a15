/**
 * The standard suite, part 2 (part 1: test/unit/streams/standard-suite.test.ts): one shared read of
 * every registered stream, scan and api streams alike, through the built CLI against the simulator,
 * then a second read from the first one's states. For each stream: discover lists it with its key
 * and cursor; its records are valid against its schema with the key present and unique within a
 * read; its statuses run STARTED, RUNNING, COMPLETE; scan streams are estimated early (api streams
 * give no estimate); its STATEs count its records; its last state, given back, is accepted.
 */
import { jest } from '@jest/globals';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { streams } from '../../src/streams/registry.js';
import type { StreamDefinition } from '../../src/streams/stream.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import { catalogFor, latestStates, readOnce, type Message, type ReadResult } from '../helpers/read-run.js';
import { schemaErrors } from '../unit/streams/record-validator.js';

jest.setTimeout(180_000);

type Data = Record<string, unknown>;

function records(messages: Message[], stream: string): Data[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: Data }).data);
}

function traces(messages: Message[], type: string): Data[] {
  return messages
    .filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === type)
    .map((m) => m.trace as Data);
}

function statuses(messages: Message[], stream: string): string[] {
  return traces(messages, 'STREAM_STATUS')
    .map((t) => t.stream_status as { stream_descriptor: { name: string }; status: string })
    .filter((s) => s.stream_descriptor.name === stream)
    .map((s) => s.status);
}

function states(messages: Message[], stream: string): Data[] {
  return messages
    .filter(
      (m) =>
        m.type === 'STATE' &&
        (m.state as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor.name ===
          stream,
    )
    .map((m) => m.state as Data);
}

function logs(messages: Message[], level: string): string[] {
  return messages
    .filter((m) => m.type === 'LOG' && (m.log as { level: string }).level === level)
    .map((m) => (m.log as { message: string }).message);
}

const keyOf = (stream: StreamDefinition, record: Data): string =>
  JSON.stringify(stream.primaryKey.map(([field]) => record[field!]));

describe('every registered stream, read together from the simulator', () => {
  let sim: Simulator;
  let discovered: Data[];
  let first: ReadResult;
  let second: ReadResult;

  beforeAll(async () => {
    // The smallest tenant found where every stream has records (seed 5: 3 datamarts, Fabric items,
    // an app, gateways); 60 workspaces of seed 42 hold one datamart and cost twice as much to read.
    sim = await startSimulator({
      seed: 5,
      workspaces: 30,
      scanDurationMs: 30,
      budgets: { activityEvents: 0 },
    });
    const config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05 },
      activity_events: { enabled: true, backfill_days: 2 },
      report_definitions: { ...(sim.config.report_definitions as object), enabled: true },
    };
    const inputs = await writeInputs({ config });
    const discover = await runCli(['discover', '--config', inputs.config!]);
    const catalog = JSON.parse(discover.stdout.split('\n')[0]!) as { catalog: { streams: Data[] } };
    discovered = catalog.catalog.streams;
    const everything = catalogFor(
      'incremental',
      streams.map((s) => s.name),
    );
    first = await readOnce(config, everything);
    second = await readOnce(config, everything, latestStates(first.messages));
  });
  afterAll(async () => {
    await sim.close();
  });

  test('both reads succeed', () => {
    expect([first.code, second.code]).toEqual([0, 0]);
  });

  describe.each(streams.map((s) => [s.name, s] as const))('%s', (name, stream) => {
    test('discover lists it with its schema, primary key and cursor', () => {
      const listed = discovered.find((s) => s.name === name);
      expect(listed).toMatchObject({
        source_defined_primary_key: stream.primaryKey,
        default_cursor_field: stream.cursorField,
        supported_sync_modes: ['full_refresh', 'incremental'],
      });
      expect(Object.keys((listed!.json_schema as { properties: Data }).properties)).toEqual(
        Object.keys(stream.jsonSchema.properties),
      );
    });

    test('records are valid against its schema, keys present and unique within each read', () => {
      expect(records(first.messages, name).length).toBeGreaterThan(0);
      for (const run of [first, second]) {
        const rows = records(run.messages, name);
        const problems = rows.map((r) => schemaErrors(stream, r)).filter((e) => e !== null);
        expect({ name, problems: problems.slice(0, 3) }).toEqual({ name, problems: [] });
        for (const row of rows)
          for (const [field] of stream.primaryKey) expect(row[field!]).toEqual(expect.stringMatching(/./));
        const keys = rows.map((r) => keyOf(stream, r));
        expect({ name, duplicates: keys.length - new Set(keys).size }).toEqual({ name, duplicates: 0 });
      }
    });

    test('statuses run STARTED, RUNNING, COMPLETE', () => {
      for (const run of [first, second]) {
        const seen = statuses(run.messages, name);
        expect(seen[0]).toBe('STARTED');
        expect(seen.at(-1)).toBe('COMPLETE');
        expect(seen.indexOf('RUNNING')).toBeGreaterThan(0);
        expect(seen.filter((s) => s === 'STARTED' || s === 'COMPLETE')).toEqual(['STARTED', 'COMPLETE']);
      }
    });

    test('scan streams are estimated from the first batch; api streams give no estimate', () => {
      const estimates = traces(first.messages, 'ESTIMATE')
        .map((t) => t.estimate as { name: string; row_estimate: number })
        .filter((e) => e.name === name);
      if (stream.kind === 'api') return expect(estimates).toEqual([]);
      expect(estimates).toHaveLength(1);
      const actual = records(first.messages, name).length;
      // Extrapolated from the first batch: the right order of magnitude, not the exact count.
      if (actual > 100) expect(estimates[0]!.row_estimate).toBeGreaterThan(actual / 5);
    });

    test('every STATE is version 1 and their sourceStats add up to the records emitted', () => {
      for (const run of [first, second]) {
        const saved = states(run.messages, name);
        expect(saved.length).toBeGreaterThanOrEqual(1);
        for (const state of saved)
          expect((state.stream as { stream_state: Data }).stream_state).toMatchObject({ version: 1 });
        const counted = saved.reduce(
          (sum, s) => sum + (s.sourceStats as { recordCount: number }).recordCount,
          0,
        );
        expect(counted).toBe(records(run.messages, name).length);
      }
    });

    test('its last state, given back, is accepted: no warning sets it aside', () => {
      const setAside = logs(second.messages, 'WARN').filter(
        (m) => m.includes(name) && /ignored|in the future|no state/.test(m),
      );
      expect(setAside).toEqual([]);
      const info = logs(second.messages, 'INFO').join('\n');
      expect(info).not.toMatch(new RegExp(`stream ${name} has no state yet`));
      if (stream.kind === 'scan') expect(info).toMatch(/^Incremental sync/m);
    });
  });
});
