/**
 * Resumable full refresh, through the built CLI against the simulator: what discover declares as
 * `is_resumable` is what a full_refresh read does with the state of an interrupted one. Scan streams
 * and activity_events continue where the killed read stopped, and both reads together hold what a
 * clean read holds; a finished read's state starts a new full read.
 */
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import { applyRecords, currentView, diffViews, type View } from '../helpers/destination.js';
import {
  catalogFor,
  latestStates,
  primaryKeys,
  readOnce,
  readUntilKilled,
  type Message,
} from '../helpers/read-run.js';

function records(messages: Message[], stream: string): Record<string, unknown>[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: Record<string, unknown> }).data);
}

function lastState(messages: Message[], stream: string): Record<string, unknown> | undefined {
  const state = latestStates(messages).find(
    (s) =>
      (s as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor.name === stream,
  ) as { stream: { stream_state: Record<string, unknown> } } | undefined;
  return state?.stream.stream_state;
}

function logText(messages: Message[]): string {
  return messages
    .filter((m) => m.type === 'LOG')
    .map((m) => (m.log as { message: string }).message)
    .join('\n');
}

function viewOf(...runs: Message[][]): View {
  const tables: View = new Map();
  for (const run of runs) applyRecords(tables, run, primaryKeys);
  return currentView(tables);
}

describe('resumable full refresh', () => {
  let sim: Simulator;
  let config: Record<string, unknown>;

  beforeAll(async () => {
    // 60 workspaces (43 shared) in 9 scans of 5, two at a time: the read is still scanning when it
    // is killed at its first checkpoints.
    sim = await startSimulator({
      seed: 42,
      workspaces: 60,
      scanDurationMs: 30,
      budgets: { activityEvents: 0 },
    });
    config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05, workspaces_per_scan: 5, max_scans_in_flight: 2 },
      activity_events: { enabled: true, backfill_days: 3, settle_minutes: 60 },
      refresh_history: { enabled: true },
      apps: { enabled: true },
    };
  });
  afterAll(async () => {
    await sim.close();
  });

  test('discover: scan streams and activity_events are resumable, refresh_history and apps start over', async () => {
    const inputs = await writeInputs({ config });
    const result = await runCli(['discover', '--config', inputs.config!]);
    expect(result.code).toBe(0);
    const [catalog] = expectProtocolLines(result.stdout).filter((m) => m.type === 'CATALOG');
    const resumable = Object.fromEntries(
      (catalog!.catalog as { streams: { name: string; is_resumable: boolean }[] }).streams.map((s) => [
        s.name,
        s.is_resumable,
      ]),
    );
    expect(resumable).toMatchObject({
      workspaces: true,
      lineage: true,
      activity_events: true,
      refresh_history: false,
      apps: false,
    });
  });

  test('scan streams: a killed full_refresh read continues from its state; together they equal a clean read', async () => {
    const killed = await readUntilKilled(config, catalogFor('full_refresh'), (m) => {
      if (m.type !== 'STATE') return false;
      const streamState = (m.state as { stream: { stream_state: { pending?: { doneThroughId?: string } } } })
        .stream.stream_state;
      return (streamState.pending?.doneThroughId ?? '') > '4';
    });
    const state = latestStates(killed);
    expect(lastState(killed, 'workspaces')).toMatchObject({ pending: { mode: 'full' } });

    const resumed = await readOnce(config, catalogFor('full_refresh'), state);
    expect(resumed.code).toBe(0);
    expect(logText(resumed.messages)).toMatch(/resuming the sync started at/);
    expect(lastState(resumed.messages, 'workspaces')).not.toHaveProperty('pending');

    // A finished read's state does not resume anything: a new full read, which is the clean one.
    const clean = await readOnce(config, catalogFor('full_refresh'), latestStates(resumed.messages));
    expect(clean.code).toBe(0);
    expect(logText(clean.messages)).toMatch(/^Full sync: stream \w+ is in full_refresh mode/m);
    const cleanWorkspaces = records(clean.messages, 'workspaces').length;
    expect(records(resumed.messages, 'workspaces').length).toBeLessThan(cleanWorkspaces);
    expect(records(killed, 'workspaces').length).toBeGreaterThan(0);
    expect(diffViews(viewOf(killed, resumed.messages), viewOf(clean.messages))).toEqual([]);
  });

  test('activity_events: a killed full_refresh read continues from its last day; together they hold a clean read', async () => {
    const catalog = catalogFor('full_refresh', ['activity_events']);
    const killed = await readUntilKilled(config, catalog, (m) => m.type === 'STATE');
    const killedState = lastState(killed, 'activity_events')!;
    expect(killedState).toMatchObject({ unfinishedFullRefresh: true });
    const killedCursor = Date.parse(String(killedState.cursor));

    const resumed = await readOnce(config, catalog, latestStates(killed));
    expect(resumed.code).toBe(0);
    expect(logText(resumed.messages)).toMatch(/resuming the unfinished full_refresh read/);
    const again = records(resumed.messages, 'activity_events');
    for (const r of again) expect(Date.parse(String(r.creationTime))).toBeGreaterThanOrEqual(killedCursor);
    const finished = lastState(resumed.messages, 'activity_events')!;
    expect(finished).not.toHaveProperty('unfinishedFullRefresh');
    const end = Date.parse(String(finished.cursor));

    // The finished state starts a new full read: the clean one (its horizon is a little later).
    const clean = await readOnce(config, catalog, latestStates(resumed.messages));
    expect(clean.code).toBe(0);
    const ids = (rows: Record<string, unknown>[]) => [...new Set(rows.map((r) => String(r.id)))].sort();
    const cleanIds = ids(
      records(clean.messages, 'activity_events').filter((r) => Date.parse(String(r.creationTime)) < end),
    );
    expect(cleanIds.length).toBeGreaterThan(again.length);
    expect(ids([...records(killed, 'activity_events'), ...again])).toEqual(cleanIds);
  });
});
