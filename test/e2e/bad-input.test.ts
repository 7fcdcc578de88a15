/**
 * Bad input through the built CLI: invalid configs, catalogs and states (test/fixtures/bad-input/)
 * plus huge, binary, empty and missing files. Each gets a classified error naming the problem, or a
 * documented safe behaviour (docs/reliability.md); never a bare stack trace, never a secret echoed,
 * never a record emitted twice or skipped.
 *
 * Every case is its own CLI run and shares nothing with the others but the simulator: the cases
 * run concurrently (test.concurrent), so one run's start-up and network waits overlap another's work.
 */
import { jest } from '@jest/globals';
import { mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { scanStreams } from '../../src/streams/registry.js';
import { writeInputs } from '../helpers/cli.js';
import { diffViews, type View } from '../helpers/destination.js';
import { repoRoot } from '../helpers/paths.js';
import { catalogFor } from '../helpers/read-run.js';
import {
  configSecrets,
  duplicateKeys,
  findLeaks,
  logText,
  runArgs,
  runRead,
  traceErrors,
  viewOf,
  type RunOutput,
} from '../soak/harness.js';

jest.setTimeout(120_000);

const FIXTURES = path.join(repoRoot, 'test', 'fixtures', 'bad-input');
const FIXTURE_SECRET = 'fixture-secret-value-0001';
const fixture = (kind: string, name: string) => path.join(FIXTURES, kind, name);
const readFixture = async (kind: string, name: string): Promise<unknown> =>
  JSON.parse(await readFile(fixture(kind, name), 'utf8')) as unknown;

/** A config_error TRACE naming the problem, a one-line hint on stderr, no stack trace, no secret. */
function expectConfigError(out: RunOutput, message: RegExp, secrets: string[]): void {
  expect(out.code).toBe(1);
  const errors = traceErrors(out.messages);
  expect(errors).toHaveLength(1);
  expect(errors[0]!.failure_type).toBe('config_error');
  expect(errors[0]!.message).toMatch(message);
  expect(errors[0]!.stack_trace).toBeUndefined();
  expect(out.stderr).toMatch(/^source-powerbi: config_error \(fix the input\): /);
  expect(out.stderr).not.toMatch(/\n\s+at /);
  expect(out.messages.filter((m) => m.type === 'RECORD')).toEqual([]);
  expect(findLeaks(out, secrets)).toEqual([]);
}

const CONFIG_CASES: [string, RegExp][] = [
  ['not-an-object.json', /The config must be a JSON object/],
  ['empty.json', /--config .*empty\.json is not valid JSON \(Unexpected end of JSON input\)/],
  ['truncated.txt', /--config .*truncated\.txt is not valid JSON/],
  ['missing-credentials.json', /credentials is required: an object whose auth_type is one of/],
  ['credentials-array.json', /credentials is required/],
  ['unknown-auth-type.json', /credentials\.auth_type is not recognised; set it to one of/],
  ['tenant-id-number.json', /credentials\.tenant_id must be string/],
  ['missing-client-secret.json', /credentials\.client_secret is required/],
  ['scan-wrong-types.json', /scan\.lineage must be boolean.*scan\.max_scans_in_flight must be <= 16/],
  ['bad-name-pattern.json', /workspaces\.include_name_patterns\[0\] is not a valid RE2 regular expression/],
  ['unknown-cloud.json', /cloud must be one of: public, usgov/],
  ['certificate-not-pem.json', /credentials\.private_key must be a PEM private key/],
  ['include-ids-not-guid.json', /workspaces\.include_ids\[0\] must match the pattern \^\[0-9a-fA-F\]\{8\}/],
  ['negative-timeout.json', /max_retry_wait_seconds must be >= 1.*request_timeout_seconds must be >= 1/],
];

const CATALOG_CASES: [string, RegExp][] = [
  ['not-an-object.json', /The catalog must be a JSON object with a "streams" array/],
  ['streams-missing.json', /The catalog must be a JSON object with a "streams" array/],
  ['unknown-stream.json', /catalog\.streams\[0\]: unknown stream "users"\. This connector has: workspaces, /],
  ['duplicate-stream.json', /catalog\.streams\[1\]: stream "workspaces" is configured twice/],
  [
    'unsupported-sync-mode.json',
    /sync_mode must be "full_refresh" or "incremental", not "incremental_deduped_history"/,
  ],
  ['missing-sync-mode.json', /sync_mode must be "full_refresh" or "incremental", not undefined/],
  ['stream-name-number.json', /catalog\.streams\[0\] must be an object with stream\.name/],
  ['stream-null.json', /catalog\.streams\[0\] must be an object with stream\.name/],
];

/** Whole --state files, and per-stream states (given to every stream) with the warning each gets. */
const STATE_FILE_CASES: [string, RegExp][] = [
  ['legacy-object.json', /not an array of STREAM state messages \(LEGACY state\?\); ignoring it/],
  ['global-state.json', /Input state entry 0 is not a STREAM state; ignored/],
  ['garbage-entries.json', /entry 0 is not a STREAM state.*entry 4 has no stream_descriptor\.name/s],
  ['unknown-streams-only.json', /Full sync: stream workspaces has no state yet/],
];
const STREAM_STATE_CASES: [string, RegExp][] = [
  ['another-connector.json', /it was not written by this connector/],
  ['cursor-wrong-type.json', /cursor is not a date-time/],
  ['not-an-object.json', /Input state for stream "workspaces" is not an object/],
  ['foreign-resume-point.json', /pending\.doneThroughId is not a workspace id/],
  ['retry-ids-not-workspaces.json', /retryWorkspaceIds is not a list of workspace ids/],
  ['pending-future.json', /pending\.syncStartedAt 2999-01-01T00:00:00\.000Z lies in the future/],
];

describe('bad configs, catalogs and files (no simulator needed)', () => {
  const emptyCatalog = { streams: [] };

  test('the corpus holds exactly the cases listed here', async () => {
    expect((await readdir(path.join(FIXTURES, 'config'))).sort()).toEqual(
      [...CONFIG_CASES.map(([f]) => f), 'nested-null.json'].sort(),
    );
    expect((await readdir(path.join(FIXTURES, 'catalog'))).sort()).toEqual(
      CATALOG_CASES.map(([f]) => f).sort(),
    );
    expect((await readdir(path.join(FIXTURES, 'state'))).sort()).toEqual(
      STATE_FILE_CASES.map(([f]) => f).sort(),
    );
    expect((await readdir(path.join(FIXTURES, 'stream-state'))).sort()).toEqual(
      [...STREAM_STATE_CASES.map(([f]) => f), 'future-cursor.json'].sort(),
    );
  });

  test.concurrent.each(CONFIG_CASES)('config %s: read and check name the problem', async (name, message) => {
    const { catalog } = await writeInputs({ catalog: emptyCatalog });
    const [read, check] = await Promise.all([
      runArgs(['read', '--config', fixture('config', name), '--catalog', catalog!]),
      runArgs(['check', '--config', fixture('config', name)]),
    ]);
    expectConfigError(read, message, [FIXTURE_SECRET]);
    expect(check.code).toBe(0);
    const status = check.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus as {
      status: string;
      message: string;
    };
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(message);
    expect(findLeaks(check, [FIXTURE_SECRET])).toEqual([]);
  });

  test.concurrent('files that are no JSON input: binary, huge, a directory, missing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bad-input-'));
    const binary = path.join(dir, 'binary.json');
    await writeFile(binary, Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x80, 0x00, 0x1b]));
    const huge = path.join(dir, 'huge.json');
    const handle = await open(huge, 'w');
    await handle.truncate(65 * 1024 * 1024); // sparse: 65 MB without writing them
    await handle.close();
    const { catalog } = await writeInputs({ catalog: emptyCatalog });
    const cases: [string, RegExp][] = [
      [binary, /binary\.json is not valid JSON/],
      [huge, /huge\.json: the file is 68157440 bytes; that is not a JSON config file/],
      [dir, /the file does not exist or cannot be read/],
      [path.join(dir, 'missing.json'), /missing\.json: the file does not exist or cannot be read/],
    ];
    const outs = await Promise.all(
      cases.map(([file]) => runArgs(['read', '--config', file, '--catalog', catalog!])),
    ).finally(() => rm(dir, { recursive: true, force: true }));
    outs.forEach((out, i) => expectConfigError(out, cases[i]![1], []));
  });
});

describe('bad catalogs and states against the simulator', () => {
  let sim: Simulator;
  let config: Record<string, unknown>;
  let clean: View;
  const outputs: RunOutput[] = [];
  const read = async (catalog: unknown, state?: unknown) => {
    const out = await runRead(config, catalog, state);
    outputs.push(out);
    expect(duplicateKeys(out.messages)).toEqual({});
    return out;
  };

  beforeAll(async () => {
    // A few workspaces in batches of 3: several scans per read, as with a real tenant.
    sim = await startSimulator({ seed: 10, workspaces: 8, scanDurationMs: 30 });
    config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05, workspaces_per_scan: 3 },
    };
    const out = await read(catalogFor('incremental'));
    expect(out.code).toBe(0);
    clean = viewOf(out.messages);
  });
  afterAll(async () => {
    await sim?.close();
    expect(outputs.flatMap((o) => findLeaks(o, configSecrets(sim.config)))).toEqual([]);
  });

  test.concurrent.each(CATALOG_CASES)(
    'catalog %s is a config_error naming the stream and fix',
    async (name, message) => {
      const { config: configPath } = await writeInputs({ config });
      const out = await runArgs(['read', '--config', configPath!, '--catalog', fixture('catalog', name)]);
      outputs.push(out);
      expectConfigError(out, message, configSecrets(sim.config));
    },
  );

  test.concurrent('config with "scan": null is read as the defaults (documented)', async () => {
    const raw = (await readFixture('config', 'nested-null.json')) as Record<string, unknown>;
    const out = await runRead(
      { ...config, scan: null, credentials: sim.config.credentials },
      catalogFor('incremental', ['workspaces']),
    );
    outputs.push(out);
    expect(raw.scan).toBeNull();
    expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
  });

  const expectFullScanLikeClean = (out: RunOutput, warning: RegExp) => {
    expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
    expect(logText(out.messages)).toMatch(warning);
    expect(logText(out.messages)).toMatch(/Full sync/);
    expect(diffViews(viewOf(out.messages), clean)).toEqual([]);
  };

  test.concurrent.each(STATE_FILE_CASES)(
    'state file %s is ignored with a warning; a full scan follows',
    async (name, warning) => {
      expectFullScanLikeClean(
        await read(catalogFor('incremental'), await readFixture('state', name)),
        warning,
      );
    },
  );

  test.concurrent.each(STREAM_STATE_CASES)(
    'stream state %s (on every stream) is dropped with a warning; a full scan follows',
    async (name, warning) => {
      const streamState = await readFixture('stream-state', name);
      const state = scanStreams.map((s) => ({
        type: 'STREAM',
        stream: { stream_descriptor: { name: s.name }, stream_state: streamState },
      }));
      expectFullScanLikeClean(await read(catalogFor('incremental'), state), warning);
    },
  );

  // Airbyte's rule for a cursor in the future (test/e2e/future-state.test.ts): nothing is newer.
  test.concurrent(
    'stream state future-cursor.json (on every stream): no record, a warning, the state handed back',
    async () => {
      const streamState = await readFixture('stream-state', 'future-cursor.json');
      const state = scanStreams.map((s) => ({
        type: 'STREAM',
        stream: { stream_descriptor: { name: s.name }, stream_state: streamState },
      }));
      const out = await read(catalogFor('incremental'), state);
      expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
      expect(logText(out.messages)).toMatch(
        /cursor 2999-01-01T00:00:00\.000Z lies in the future, so nothing is newer/,
      );
      expect(out.messages.filter((m) => m.type === 'RECORD')).toEqual([]);
      const states = out.messages.filter((m) => m.type === 'STATE');
      expect(states).toHaveLength(scanStreams.length);
      for (const m of states)
        expect((m.state as { stream: { stream_state: unknown } }).stream.stream_state).toEqual(streamState);
    },
  );
});
