/**
 * An abnormal state (cursors in the year 2999) through the built CLI against the simulator:
 * Airbyte's rule is that nothing is newer than such a cursor, so an incremental read emits no
 * record, WARNs and hands the state back. The cursor counts where this connector keeps it
 * (`cursor`) and under the declared cursor field (where CAT's future-state files put it). States
 * that are old, malformed or foreign still give a full read.
 */
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { streams as registered } from '../../src/streams/registry.js';
import { catalogFor, readOnce, type Message } from '../helpers/read-run.js';
import { streamFate } from '../helpers/stream-statuses.js';

const FUTURE = '2999-01-01T00:00:00.000Z';
const DAY = 86_400_000;

function stateMessage(name: string, streamState: Record<string, unknown>): Record<string, unknown> {
  return { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: streamState } };
}

/** Every scan stream and the api streams the config below turns on. */
const streams = registered.filter(
  (s) => s.kind === 'scan' || ['activity_events', 'refresh_history', 'apps'].includes(s.name),
);

/** Half the streams in this connector's shape, half in CAT's (the cursor field holds the value). */
const futureStates = streams.map((s, i) =>
  stateMessage(s.name, i % 2 === 0 ? { version: 1, cursor: FUTURE } : { [s.cursorField[0]!]: FUTURE }),
);

function ofType(messages: Message[], type: string): Message[] {
  return messages.filter((m) => m.type === type);
}

function logs(messages: Message[], level: string): string[] {
  return ofType(messages, 'LOG')
    .map((m) => m.log as { level: string; message: string })
    .filter((l) => l.level === level)
    .map((l) => l.message);
}

function recordCount(messages: Message[], stream: string): number {
  return ofType(messages, 'RECORD').filter((m) => (m.record as { stream: string }).stream === stream).length;
}

/** Power BI calls between two stats snapshots (sign-in excluded). */
function powerBiCalls(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(after))
    if (endpoint !== 'token' && endpoint !== 'entra' && n > (before[endpoint] ?? 0))
      calls[endpoint] = n - (before[endpoint] ?? 0);
  return calls;
}

describe('a state with cursors in the future', () => {
  let sim: Simulator;
  let config: Record<string, unknown>;
  let cleanWorkspaces: number;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 31, workspaces: 40, scanDurationMs: 0 });
    config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05 },
      activity_events: { enabled: true, backfill_days: 1 },
      refresh_history: { enabled: true },
      apps: { enabled: true },
    };
    // What a clean read returns (test/e2e/read.test.ts): one row per shared workspace.
    cleanWorkspaces = sim.tenant.listWorkspaces().filter((w) => !w.isPersonal).length;
    expect(cleanWorkspaces).toBeGreaterThan(10);
  });
  afterAll(async () => {
    await sim.close();
  });

  test('every stream in incremental: no record, no Power BI call, a WARN and the same state back, COMPLETE', async () => {
    const before = sim.stats().requests;
    const run = await readOnce(
      config,
      catalogFor(
        'incremental',
        streams.map((s) => s.name),
      ),
      futureStates,
    );
    expect(run.code).toBe(0);
    expect(ofType(run.messages, 'RECORD')).toEqual([]);
    expect(powerBiCalls(sim.stats().requests, before)).toEqual({});
    const warnings = logs(run.messages, 'WARN');
    for (const [i, { name }] of streams.entries()) {
      const { fate, problems } = streamFate(run.messages, name);
      expect(problems).toEqual([]);
      expect({ name, statuses: fate.statuses }).toEqual({
        name,
        statuses: ['STARTED', 'RUNNING', 'COMPLETE'],
      });
      const given = (futureStates[i]!.stream as { stream_state: unknown }).stream_state;
      expect({ name, state: fate.lastState }).toEqual({ name, state: given });
      expect({
        name,
        warned: warnings.some((w) => w.includes(`stream ${name}:`) && w.includes(FUTURE)),
      }).toEqual({
        name,
        warned: true,
      });
    }
  });

  test('a future stream beside one without state: only the latter is read', async () => {
    const run = await readOnce(config, catalogFor('incremental', ['workspaces', 'reports']), [
      stateMessage('workspaces', { version: 1, cursor: FUTURE }),
    ]);
    expect(run.code).toBe(0);
    expect(recordCount(run.messages, 'workspaces')).toBe(0);
    expect(recordCount(run.messages, 'reports')).toBeGreaterThan(0);
    expect(streamFate(run.messages, 'workspaces').fate.lastState).toEqual({ version: 1, cursor: FUTURE });
  });

  test('full_refresh ignores the future cursor and reads everything', async () => {
    const run = await readOnce(config, catalogFor('full_refresh', ['workspaces']), futureStates);
    expect(run.code).toBe(0);
    expect(recordCount(run.messages, 'workspaces')).toBe(cleanWorkspaces);
    expect(logs(run.messages, 'WARN').filter((w) => w.includes('nothing is newer'))).toEqual([]);
  });

  const now = Date.now();
  test.each([
    ['old (40 days)', { version: 1, cursor: new Date(now - 40 * DAY).toISOString() }, /older than/],
    [
      'malformed (a future lastFullScanAt)',
      { version: 1, cursor: new Date(now - DAY).toISOString(), lastFullScanAt: FUTURE },
      /lastFullScanAt 2999-01-01T00:00:00\.000Z lies in the future/,
    ],
    [
      'malformed (an unfinished sync started in the future)',
      { version: 1, pending: { syncStartedAt: FUTURE, mode: 'full' } },
      /pending\.syncStartedAt 2999-01-01T00:00:00\.000Z lies in the future/,
    ],
    ['foreign', { bookmark: FUTURE }, /not written by this connector/],
  ])('a state that is %s still gives a full read, saying why', async (_label, streamState, why) => {
    const run = await readOnce(config, catalogFor('incremental', ['workspaces']), [
      stateMessage('workspaces', streamState),
    ]);
    expect(run.code).toBe(0);
    expect(logs(run.messages, 'WARN').concat(logs(run.messages, 'INFO')).join('\n')).toMatch(why);
    expect(recordCount(run.messages, 'workspaces')).toBe(cleanWorkspaces);
  });
});
