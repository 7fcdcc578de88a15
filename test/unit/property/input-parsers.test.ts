/**
 * Properties of the input parsers: the config (parseOptions), the --state file (parseInputState),
 * one stream's scan state (readScanState) and the configured catalog (parseConfiguredCatalog).
 * Whatever they are given, they answer with a typed value or a config_error; never another
 * exception, never a secret in a message, never a state that would make a sync skip data.
 */
import fc from 'fast-check';
import { readScanState, type ScanState } from '../../../src/commands/read/scan-state.js';
import { parseOptions } from '../../../src/config/config.js';
import { ConnectorError } from '../../../src/errors.js';
import { parseConfiguredCatalog } from '../../../src/protocol/catalog.js';
import { parseInputState } from '../../../src/protocol/state.js';
import { streams } from '../../../src/streams/registry.js';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOW = new Date('2026-11-28T12:00:00.000Z');

/** Runs `fn`; returns its value, or the ConnectorError it threw; anything else fails the property. */
function outcome<T>(fn: () => T): { ok: true; value: T } | { ok: false; error: ConnectorError } {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return { ok: false, error };
  }
}

const registry = () => {
  const registered: string[] = [];
  return { registered, register: (s: string | null | undefined) => s && registered.push(s) };
};

const secretText = fc.string({ minLength: 12, maxLength: 40 }).filter((s) => s.trim().length >= 12);
const anyJson = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<unknown>;
const junk = fc.oneof(anyJson, fc.constant(undefined), fc.string({ unit: 'binary' }));

const baseConfig = (secret: string) => ({
  credentials: {
    auth_type: 'service_principal_secret',
    tenant_id: '00000000-0000-4000-8000-000000000001',
    client_id: '00000000-0000-4000-8000-000000000002',
    client_secret: secret,
  },
});

const CONFIG_FIELDS = [
  'cloud',
  'workspaces',
  'scan',
  'incremental',
  'privacy',
  'activity_events',
  'lineage',
  'max_retry_wait_seconds',
  'request_timeout_seconds',
  'authority_host_override',
  'tls_ca_certificate',
];

describe('parseOptions', () => {
  test('any JSON value: a config or a config_error, never another exception', () => {
    fc.assert(
      fc.property(anyJson, (raw) => {
        const result = outcome(() => parseOptions(raw, registry()));
        if (!result.ok) expect(result.error.failureType).toBe('config_error');
      }),
      { numRuns: RUNS },
    );
  });

  test('a valid config with any field damaged: a config_error that never echoes the client secret', () => {
    fc.assert(
      fc.property(
        secretText,
        fc.dictionary(fc.constantFrom(...CONFIG_FIELDS), junk, { minKeys: 1 }),
        fc.dictionary(fc.constantFrom('tenant_id', 'client_id', 'auth_type', 'extra'), junk),
        (secret, fields, credentialFields) => {
          const base = baseConfig(secret);
          const raw = { ...base, ...fields, credentials: { ...base.credentials, ...credentialFields } };
          const secrets = registry();
          const result = outcome(() => parseOptions(raw, secrets));
          expect(secrets.registered).toContain(secret);
          if (result.ok) return;
          expect(result.error.failureType).toBe('config_error');
          const said = `${result.error.message} ${result.error.internalMessage ?? ''}`;
          expect(said.includes(secret)).toBe(false);
          expect(result.error.message.length).toBeGreaterThan(10);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('in-range scan options are accepted as given and defaults fill the rest', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            max_scans_in_flight: fc.integer({ min: 1, max: 16 }),
            workspaces_per_scan: fc.integer({ min: 1, max: 100 }),
            poll_interval_seconds: fc.double({ min: 0.05, max: 120, noNaN: true }),
            lineage: fc.boolean(),
          },
          { requiredKeys: [] },
        ),
        (scan) => {
          const options = parseOptions({ ...baseConfig('a-client-secret-value'), scan }, registry());
          expect(options.scan).toMatchObject({
            ...(scan.max_scans_in_flight !== undefined && { maxScansInFlight: scan.max_scans_in_flight }),
            ...(scan.workspaces_per_scan !== undefined && { workspacesPerScan: scan.workspaces_per_scan }),
            ...(scan.poll_interval_seconds !== undefined && {
              pollIntervalSeconds: scan.poll_interval_seconds,
            }),
            ...(scan.lineage !== undefined && { lineage: scan.lineage }),
          });
          expect(options.scan.maxScansInFlight).toEqual(scan.max_scans_in_flight ?? 16);
          expect(options.http.maxRetryWaitSeconds).toBe(900);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

const streamNames = streams.map((s) => s.name);
const streamState = (name: string, state: unknown) => ({
  type: 'STREAM',
  stream: { stream_descriptor: { name }, stream_state: state },
});

describe('parseInputState', () => {
  test('any JSON: never throws; every kept state is an object; problems become warnings', () => {
    fc.assert(
      fc.property(anyJson, (raw) => {
        const parsed = parseInputState(raw);
        for (const state of parsed.streams.values()) {
          expect(typeof state === 'object' && state !== null && !Array.isArray(state)).toBe(true);
        }
        for (const warning of parsed.warnings) expect(typeof warning).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });

  test('well-formed STREAM states (bare or wrapped in a message): the last one per stream wins', () => {
    const entry = fc.record({
      name: fc.constantFrom(...streamNames),
      state: fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), { nil: null }),
      wrapped: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), (entries) => {
        const raw = entries.map((e) =>
          e.wrapped ? { type: 'STATE', state: streamState(e.name, e.state) } : streamState(e.name, e.state),
        );
        const parsed = parseInputState(raw);
        const expected = new Map<string, unknown>();
        for (const e of entries) {
          if (e.state === null) expected.delete(e.name);
          else expected.set(e.name, e.state);
        }
        expect(parsed.warnings).toEqual([]);
        expect(new Map(parsed.streams)).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });
});

const pastIso = fc
  .integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: NOW.getTime() })
  .map((ms) => new Date(ms).toISOString());
const guid = fc.uuid().map((id) => id.toLowerCase());

/** States the connector itself writes (scan-sync checkpoint and final state). */
const ownState: fc.Arbitrary<ScanState> = fc
  .record(
    {
      cursor: pastIso,
      lastFullScanAt: pastIso,
      retryWorkspaceIds: fc.uniqueArray(guid, { minLength: 1, maxLength: 5 }),
      pending: fc.oneof(
        fc.record(
          { syncStartedAt: pastIso, mode: fc.constant('full' as const) },
          { requiredKeys: ['syncStartedAt', 'mode'] },
        ),
        fc.record({ syncStartedAt: pastIso, mode: fc.constant('full' as const), doneThroughId: guid }),
        fc.record({
          syncStartedAt: pastIso,
          mode: fc.constant('incremental' as const),
          modifiedSince: pastIso,
          doneThroughId: guid,
        }),
      ),
    },
    { requiredKeys: [] },
  )
  .map((s) => ({ version: 1 as const, ...s }));

describe('readScanState', () => {
  test('any JSON object: never throws; what it keeps is well-formed, past, and made of workspace ids', () => {
    const field = fc.oneof(junk, pastIso, guid, fc.array(fc.oneof(guid, junk), { maxLength: 4 }));
    const raw = fc.record(
      {
        version: fc.oneof(fc.constant(1), junk),
        cursor: field,
        lastFullScanAt: field,
        retryWorkspaceIds: field,
        pending: fc.oneof(
          junk,
          fc.record(
            {
              syncStartedAt: field,
              mode: fc.oneof(fc.constantFrom('full', 'incremental'), junk),
              modifiedSince: field,
              doneThroughId: field,
            },
            { requiredKeys: [] },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(raw, (input) => {
        const { state, warning } = readScanState(input, NOW);
        if (!state) return;
        expect(warning).toBeUndefined();
        const notAfterNow = (iso: string | undefined) =>
          iso === undefined || Date.parse(iso) <= NOW.getTime() + 5 * 60_000;
        expect(notAfterNow(state.cursor) && notAfterNow(state.lastFullScanAt)).toBe(true);
        expect(notAfterNow(state.pending?.syncStartedAt)).toBe(true);
        for (const id of state.retryWorkspaceIds ?? []) expect(id).toMatch(GUID);
        if (state.pending?.doneThroughId !== undefined) expect(state.pending.doneThroughId).toMatch(GUID);
        if (state.pending?.mode === 'incremental') expect(state.pending.modifiedSince).toBeDefined();
      }),
      { numRuns: RUNS },
    );
  });

  test('one of its own states with one field damaged: dropped with a warning, or kept well-formed', () => {
    const damage = fc.oneof(
      junk,
      pastIso,
      guid,
      fc.constant('zzzz'),
      fc.array(fc.oneof(guid, junk), { maxLength: 3 }),
    );
    const where = fc.constantFrom(
      'version',
      'cursor',
      'lastFullScanAt',
      'retryWorkspaceIds',
      'pending',
      'pending.syncStartedAt',
      'pending.mode',
      'pending.modifiedSince',
      'pending.doneThroughId',
    );
    fc.assert(
      fc.property(ownState, where, damage, (state, path, value) => {
        const raw = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
        const [head, tail] = path.split('.') as [string, string | undefined];
        if (tail === undefined) raw[head] = value;
        else raw[head] = { ...(raw[head] as object), [tail]: value };
        const { state: kept, warning } = readScanState(raw, NOW);
        if (!kept) {
          expect(warning).toEqual(expect.any(String));
          return;
        }
        for (const id of kept.retryWorkspaceIds ?? []) expect(id).toMatch(GUID);
        if (kept.pending?.doneThroughId !== undefined) expect(kept.pending.doneThroughId).toMatch(GUID);
        for (const iso of [kept.cursor, kept.lastFullScanAt, kept.pending?.syncStartedAt])
          if (iso !== undefined) expect(new Date(iso).toISOString()).toBe(iso);
      }),
      { numRuns: RUNS },
    );
  });

  test("the connector's own states read back unchanged, through JSON", () => {
    fc.assert(
      fc.property(ownState, (state) => {
        const raw = JSON.parse(JSON.stringify(state)) as never;
        expect(readScanState(raw, NOW)).toEqual({ state });
      }),
      { numRuns: RUNS },
    );
  });

  test('a cursor in the future is never kept (it would hide every change until then)', () => {
    const future = fc
      .integer({ min: NOW.getTime() + 6 * 60_000, max: Date.parse('2999-12-31T00:00:00Z') })
      .map((ms) => new Date(ms).toISOString());
    fc.assert(
      fc.property(ownState, future, (state, cursor) => {
        const result = readScanState({ ...state, cursor }, NOW);
        expect(result.state).toBeUndefined();
        expect(result.warning).toMatch(/lies in the future/);
      }),
      { numRuns: RUNS },
    );
  });
});

const KNOWN = streams.map((s) => ({
  name: s.name,
  supportedSyncModes: ['full_refresh', 'incremental'] as const,
}));

describe('parseConfiguredCatalog', () => {
  test('any JSON: the configured streams or a config_error', () => {
    const entry = fc.oneof(
      junk,
      fc.record(
        {
          stream: fc.oneof(junk, fc.record({ name: fc.oneof(fc.constantFrom(...streamNames), junk) })),
          sync_mode: fc.oneof(fc.constantFrom('full_refresh', 'incremental'), junk),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(junk, fc.record({ streams: fc.oneof(junk, fc.array(entry, { maxLength: 5 })) })),
        (raw) => {
          const result = outcome(() => parseConfiguredCatalog(raw, KNOWN));
          if (!result.ok) {
            expect(result.error.failureType).toBe('config_error');
            return;
          }
          const names = result.value.map((s) => s.name);
          expect(new Set(names).size).toBe(names.length);
          for (const s of result.value) {
            expect(streamNames).toContain(s.name);
            expect(['full_refresh', 'incremental']).toContain(s.syncMode);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('a catalog of distinct known streams is read back as given, in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...streamNames)),
        fc.array(fc.constantFrom('full_refresh' as const, 'incremental' as const), {
          minLength: streamNames.length,
          maxLength: streamNames.length,
        }),
        (names, modes) => {
          const raw = {
            streams: names.map((name, i) => ({ stream: { name, json_schema: {} }, sync_mode: modes[i] })),
          };
          expect(parseConfiguredCatalog(raw, KNOWN)).toEqual(
            names.map((name, i) => ({ name, syncMode: modes[i] })),
          );
        },
      ),
      { numRuns: RUNS },
    );
  });
});
