import { startSimulator, type Simulator } from '../../simulator/index.js';
import { scanStreams } from '../../src/streams/registry.js';
import { applyRecords, currentView, diffViews, type View } from '../helpers/destination.js';
import {
  catalogFor,
  latestStates,
  primaryKeys,
  readOnce,
  readUntilKilled,
  readWithSignal,
  type Message,
} from '../helpers/read-run.js';

function records(messages: Message[], stream: string): Record<string, unknown>[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: Record<string, unknown> }).data);
}

function statusesOf(messages: Message[], stream: string): string[] {
  return messages
    .filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'STREAM_STATUS')
    .map(
      (m) =>
        (m.trace as { stream_status: { stream_descriptor: { name: string }; status: string } }).stream_status,
    )
    .filter((s) => s.stream_descriptor.name === stream)
    .map((s) => s.status);
}

function viewOf(...runs: Message[][]): View {
  const tables: View = new Map();
  for (const run of runs) applyRecords(tables, run, primaryKeys);
  return currentView(tables);
}

describe('read through the built CLI against the simulator', () => {
  let sim: Simulator;
  let config: Record<string, unknown>;

  // 60 workspaces (43 shared) in batches of 20: a full read still takes several scans, and each of
  // the file's reads costs a third of what a 200-workspace tenant costs.
  const WORKSPACES_PER_SCAN = 20;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 42, workspaces: 60, scanDurationMs: 30 });
    config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05, workspaces_per_scan: WORKSPACES_PER_SCAN },
      incremental: { lookback_minutes: 30 },
    };
  });
  afterAll(async () => {
    await sim.close();
  });

  let fullRun: Message[];
  let mutations = 0;
  let fresh: { mutations: number; messages: Message[] } | undefined;

  /** A clean full read of the tenant as it is now: read again only after the tenant changed. */
  async function freshFullRead(): Promise<Message[]> {
    if (fresh?.mutations !== mutations) {
      const result = await readOnce(config, catalogFor('full_refresh'));
      expect(result.code).toBe(0);
      fresh = { mutations, messages: result.messages };
    }
    return fresh.messages;
  }

  /**
   * Nine scans, two at a time (they finish out of order): a read is still scanning when a test stops
   * it at its first checkpoints.
   */
  const stoppableConfig = () => ({
    ...config,
    scan: { poll_interval_seconds: 0.05, workspaces_per_scan: 5, max_scans_in_flight: 2 },
  });

  // Schemas, keys, statuses, estimates and STATE counts of every stream: test/e2e/stream-suite.test.ts.
  test('a full read emits every artifact of the tenant exactly once', async () => {
    const before = sim.stats();
    const result = await readOnce(config, catalogFor('full_refresh'));
    expect(result.code).toBe(0);
    fullRun = result.messages;
    fresh = { mutations, messages: fullRun };

    const scanned = sim.tenant.listWorkspaces().filter((w) => !w.isPersonal);
    const active = scanned.filter((w) => w.state === 'Active');
    const truth = active.map((w) => sim.tenant.workspace(w.id)).filter((w) => w !== undefined);
    expect(truth).toHaveLength(active.length);
    const ids = (items: { id?: unknown }[]) => items.map((i) => String(i.id)).sort();

    expect(ids(records(fullRun, 'workspaces') as { id: unknown }[])).toEqual(ids(scanned));
    expect(ids(records(fullRun, 'reports') as { id: unknown }[])).toEqual(
      ids(truth.flatMap((w) => w.reports ?? [])),
    );
    expect(ids(records(fullRun, 'dashboards') as { id: unknown }[])).toEqual(
      ids(truth.flatMap((w) => w.dashboards ?? [])),
    );
    expect(ids(records(fullRun, 'datasets') as { id: unknown }[])).toEqual(
      ids(truth.flatMap((w) => w.datasets ?? [])),
    );
    const tables = truth.flatMap((w) =>
      (w.datasets ?? []).flatMap((d) => (d.tables ?? []).map((t) => `${d.id}/${t.name}`)),
    );
    expect(
      records(fullRun, 'tables')
        .map((t) => `${String(t.datasetId)}/${String(t.name)}`)
        .sort(),
    ).toEqual(tables.sort());
    const columns = truth.flatMap((w) =>
      (w.datasets ?? []).flatMap((d) => (d.tables ?? []).flatMap((t) => t.columns ?? [])),
    );
    expect(records(fullRun, 'columns')).toHaveLength(columns.length);

    const after = sim.stats();
    const getInfo = (after.requests.getInfo ?? 0) - (before.requests.getInfo ?? 0);
    expect(scanned.length).toBeGreaterThan(2 * WORKSPACES_PER_SCAN);
    expect(getInfo).toBe(Math.ceil(scanned.length / WORKSPACES_PER_SCAN));
    expect(after.peakScansInFlight).toBeLessThanOrEqual(16);
    expect(after.throttled).toEqual({});
  });

  test('logs scan progress as batches complete', () => {
    const progress = fullRun.filter((m) => m.type === 'LOG' && /batches/.test(JSON.stringify(m)));
    expect(JSON.stringify(progress.at(-1))).toMatch(/(\d+)\/\1 batches/);
  });

  test('incremental reads after random changes scan only the changed workspaces and keep the destination equal to a fresh full read', async () => {
    let state = latestStates(fullRun);
    let accumulated: Message[][] = [fullRun];
    const touchedSoFar = new Set<string>();
    for (const seed of [11, 12, 13]) {
      const mutation = sim.mutate({ workspaces: 5, seed });
      mutations += 1;
      const personal = new Set(
        sim.tenant
          .listWorkspaces()
          .filter((w) => w.isPersonal)
          .map((w) => w.id),
      );
      const touched = [
        ...mutation.changed.map((c) => c.workspaceId),
        ...mutation.deletedWorkspaces,
        ...mutation.addedWorkspaces,
      ].filter((id) => !personal.has(id));
      touched.forEach((id) => touchedSoFar.add(id));
      const getInfoBefore = sim.stats().requests.getInfo ?? 0;
      const incremental = await readOnce(config, catalogFor('incremental'), state);
      expect(incremental.code).toBe(0);

      // Exactly what Power BI reports as modified since the cursor minus the lookback: this round's
      // changes, plus earlier rounds' changes still inside the lookback (syncs here are seconds apart).
      const since = /modified since (\S+) \(/.exec(JSON.stringify(incremental.messages))?.[1];
      expect(since).toBeDefined();
      const reported = sim.tenant.modifiedIds({
        since: Date.parse(since!),
        excludePersonal: true,
        excludeInactive: false,
      });
      const scannedIds = new Set(records(incremental.messages, 'workspaces').map((w) => String(w.id)));
      expect(scannedIds).toEqual(new Set(reported));
      for (const id of touched) expect(scannedIds.has(id)).toBe(true);
      for (const id of scannedIds) expect(touchedSoFar.has(id)).toBe(true);
      expect((sim.stats().requests.getInfo ?? 0) - getInfoBefore).toBe(
        Math.ceil(scannedIds.size / WORKSPACES_PER_SCAN),
      );

      accumulated = [...accumulated, incremental.messages];
      state = latestStates(incremental.messages);
      expect(diffViews(viewOf(...accumulated), viewOf(await freshFullRead()))).toEqual([]);
    }
  });

  test('a read killed mid-way and resumed from its last state ends with the same destination view', async () => {
    const slowConfig = stoppableConfig();
    const partial = await readUntilKilled(slowConfig, catalogFor('incremental'), (m) => {
      if (m.type !== 'STATE') return false;
      const streamState = (m.state as { stream: { stream_state: { pending?: { doneThroughId?: string } } } })
        .stream.stream_state;
      return (streamState.pending?.doneThroughId ?? '') > '4';
    });
    const state = latestStates(partial);
    expect(state.length).toBeGreaterThan(0);
    const resumed = await readOnce(slowConfig, catalogFor('incremental'), state);
    expect(resumed.code).toBe(0);
    expect(
      resumed.messages.find((m) => m.type === 'LOG' && JSON.stringify(m).includes('resuming')),
    ).toBeDefined();
    const resumedWorkspaces = records(resumed.messages, 'workspaces').length;
    expect(resumedWorkspaces).toBeLessThan(records(fullRun, 'workspaces').length);
    expect(diffViews(viewOf(partial, resumed.messages), viewOf(await freshFullRead()))).toEqual([]);
  });

  test('SIGTERM stops a read cleanly: INCOMPLETE streams, a transient_error, and a state that resumes to the same view', async () => {
    const slowConfig = stoppableConfig();
    const stopped = await readWithSignal(
      slowConfig,
      catalogFor('incremental'),
      (m) => m.type === 'STATE' && JSON.stringify(m).includes('doneThroughId'),
      'SIGTERM',
    );
    expect(stopped.code).toBe(1);
    const error = stopped.messages.find(
      (m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR',
    );
    expect(error).toMatchObject({ trace: { error: { failure_type: 'transient_error' } } });
    expect(JSON.stringify(error)).toContain('SIGTERM');
    for (const stream of scanStreams)
      expect(statusesOf(stopped.messages, stream.name).at(-1)).toBe('INCOMPLETE');
    const resumed = await readOnce(slowConfig, catalogFor('incremental'), latestStates(stopped.messages));
    expect(resumed.code).toBe(0);
    expect(diffViews(viewOf(stopped.messages, resumed.messages), viewOf(await freshFullRead()))).toEqual([]);
  });
});
