/**
 * Usage streams (activity_events, refresh_history, apps) through the built CLI against the
 * simulator: what they emit is compared with the simulator's own tenant, every line is checked
 * against the Airbyte protocol (readOnce/readUntilKilled) and every record against its schema.
 */
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { ActivityLog } from '../../simulator/tenant/activity.js';
import { listApps } from '../../simulator/tenant/apps.js';
import {
  dataflowTransactions,
  isRefreshableDataset,
  refreshHistory,
} from '../../simulator/tenant/refreshes.js';
import { streamByName } from '../../src/streams/registry.js';
import { catalogFor, latestStates, readOnce, readUntilKilled, type Message } from '../helpers/read-run.js';
import { schemaErrors } from '../unit/streams/record-validator.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** A configured catalog of usage streams (plus, optionally, scan streams) in incremental mode. */
function usageCatalog(names: string[], scanNames: string[] = []): Record<string, unknown> {
  return catalogFor('incremental', [...scanNames, ...names]);
}

function records(messages: Message[], stream: string): Record<string, unknown>[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: Record<string, unknown> }).data);
}

function expectValid(messages: Message[], stream: string): void {
  const definition = streamByName(stream)!;
  for (const record of records(messages, stream)) expect(schemaErrors(definition, record)).toBeNull();
}

function lastState(messages: Message[], stream: string): Record<string, unknown> | undefined {
  const state = latestStates(messages).find(
    (s) =>
      (s as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor.name === stream,
  ) as { stream: { stream_state: Record<string, unknown> } } | undefined;
  return state?.stream.stream_state;
}

function ids(rows: Record<string, unknown>[]): string[] {
  return rows.map((r) => String(r.id)).sort();
}

describe('activity_events through the built CLI', () => {
  let sim: Simulator;
  let truth: ActivityLog;
  const base = (settle: number, backfill: number): Record<string, unknown> => ({
    ...sim.config,
    activity_events: { enabled: true, backfill_days: backfill, settle_minutes: settle },
  });

  /** The simulator's events with CreationTime in [from, to), and the pages a whole-day read of their days takes. */
  function eventsIn(from: number, to: number): { ids: string[]; pages: number } {
    const found: string[] = [];
    let pages = 0;
    for (let day = Math.floor(from / DAY) * DAY; day < to; day += DAY) {
      const events = truth.day(day);
      const perHour = new Array<number>(24).fill(0);
      for (const e of events) {
        const at = Date.parse(`${String(e.CreationTime)}Z`);
        if (at <= sim.now()) perHour[Math.floor((at - day) / HOUR)]! += 1;
        if (at >= from && at < to) found.push(String(e.Id));
      }
      pages += perHour.reduce((sum, n) => sum + Math.max(1, Math.ceil(n / 5000)), 0);
    }
    return { ids: found.sort(), pages };
  }

  beforeAll(async () => {
    // Unlimited budget here: this file reads far more than 200 pages in a few seconds; the
    // budget test below has its own simulator.
    sim = await startSimulator({ seed: 9, workspaces: 40, budgets: { activityEvents: 0 } });
    truth = new ActivityLog(sim.tenant.ctx, sim.credentials.tenantId);
  });
  afterAll(async () => {
    await sim.close();
  });

  let firstState: Record<string, unknown>;
  let firstIds: Set<string>;

  // Every third UTC day is busy (thousands of events): three whole days always hold one. A longer
  // backfill only adds events to generate, emit and check.
  test('a 4-day backfill returns exactly the simulator events once each, one request per hour page', async () => {
    const before = sim.stats().requests.activityEvents ?? 0;
    const result = await readOnce(base(600, 4), usageCatalog(['activity_events']));
    expect(result.code).toBe(0);
    expectValid(result.messages, 'activity_events');
    firstState = lastState(result.messages, 'activity_events')!;
    const cursor = Date.parse(String(firstState.cursor));
    const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
    expect(Math.abs(cursor - (Date.now() - 600 * 60_000))).toBeLessThan(5 * 60_000);
    const got = ids(records(result.messages, 'activity_events'));
    const expected = eventsIn(start, cursor);
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(expected.ids);
    // Busy days put more than 5,000 events in one hour: that hour takes a second page.
    expect(expected.pages).toBeGreaterThan(24 * Math.ceil((cursor - start) / DAY));
    expect((sim.stats().requests.activityEvents ?? 0) - before).toBe(expected.pages);
    firstIds = new Set(got);
  });

  // A cursor in the future means nothing is newer (Airbyte's rule): test/e2e/future-state.test.ts.
  test.each([['a foreign state', { foo: 'bar' }]])(
    '%s is ignored with a warning and the backfill is read again, nothing skipped',
    async (_label, streamState) => {
      const result = await readOnce(
        base(600, 2),
        usageCatalog(['activity_events']),
        latestStatesFrom(streamState),
      );
      expect(result.code).toBe(0);
      expect(JSON.stringify(result.messages.filter((m) => m.type === 'LOG'))).toMatch(/state ignored/);
      const cursor = Date.parse(String(lastState(result.messages, 'activity_events')!.cursor));
      expect(cursor).toBeLessThan(Date.now());
      const start = Math.floor(Date.now() / DAY) * DAY - DAY;
      expect(ids(records(result.messages, 'activity_events'))).toEqual(eventsIn(start, cursor).ids);
    },
  );

  test('selecting activity_events while it is turned off in the config is refused, naming the option', async () => {
    const result = await readOnce(sim.config, usageCatalog(['activity_events']));
    expect(result.code).toBe(1);
    expect(JSON.stringify(result.messages)).toMatch(/activity_events.enabled/);
  });

  test('the next incremental read returns only the events that became readable since', async () => {
    // A shorter settle time moves the horizon 9 hours on, as 9 hours of waiting would.
    const result = await readOnce(
      base(60, 7),
      usageCatalog(['activity_events']),
      latestStatesFrom(firstState),
    );
    expect(result.code).toBe(0);
    expectValid(result.messages, 'activity_events');
    const from = Date.parse(String(firstState.cursor));
    const to = Date.parse(String(lastState(result.messages, 'activity_events')!.cursor));
    const got = ids(records(result.messages, 'activity_events'));
    expect(got.length).toBeGreaterThan(0);
    expect(got.filter((id) => firstIds.has(id))).toEqual([]);
    expect(got).toEqual(eventsIn(from, to).ids);
  });

  test('a read killed in the middle of a day and resumed from its state returns the same set', async () => {
    const config = base(60, 3);
    const start = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
    const firstDay = eventsIn(start, start + DAY).ids.length;
    const secondDay = eventsIn(start + DAY, Math.min(start + 2 * DAY, Date.now() - HOUR)).ids.length;
    let seen = 0;
    const killed = await readUntilKilled(config, usageCatalog(['activity_events']), (m) => {
      if (m.type === 'RECORD') seen += 1;
      return seen >= firstDay + Math.floor(secondDay / 2);
    });
    const killedState = lastState(killed, 'activity_events')!;
    const killedCursor = Date.parse(String(killedState.cursor));
    expect(killedCursor).toBe(start + DAY); // the first day is checkpointed, the second is not
    const resumed = await readOnce(config, usageCatalog(['activity_events']), latestStatesFrom(killedState));
    expect(resumed.code).toBe(0);
    const again = records(resumed.messages, 'activity_events');
    expect(new Set(ids(again)).size).toBe(again.length);
    for (const r of again) expect(Date.parse(String(r.creationTime))).toBeGreaterThanOrEqual(killedCursor);
    const union = new Set([...ids(records(killed, 'activity_events')), ...ids(again)]);
    const end = Date.parse(String(lastState(resumed.messages, 'activity_events')!.cursor));
    expect([...union].sort()).toEqual(eventsIn(start, end).ids);
  });

  test('user identifiers are hashed when privacy says so', async () => {
    const config = { ...base(60, 1), privacy: { user_identifiers: 'hash' } };
    const result = await readOnce(config, usageCatalog(['activity_events']));
    expect(result.code).toBe(0);
    const rows = records(result.messages, 'activity_events');
    expect(rows.length).toBeGreaterThan(0);
    const users = new Set(sim.tenant.ctx.directory.users.map((u) => u.identifier));
    for (const row of rows) {
      expect(String(row.userId)).toMatch(/^[0-9a-f]{64}$/);
      expect(users.has(String(row.userId))).toBe(false);
      expect(String(row.clientIp)).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(result.stdout).not.toContain('@contoso.com');
  });
});

/** --state content for a usage stream, as Airbyte would pass it back. */
function latestStatesFrom(streamState: Record<string, unknown>, name = 'activity_events'): unknown[] {
  return [{ type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: streamState } }];
}

describe('activity_events within the hourly budget', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 9, workspaces: 20, budgets: { activityEvents: 60 } });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('a backfill larger than the budget stops with a resumable state and finishes an hour later', async () => {
    const config = {
      ...sim.config,
      activity_events: { enabled: true, backfill_days: 4, settle_minutes: 60 },
      max_retry_wait_seconds: 1,
    };
    const first = await readOnce(config, usageCatalog(['activity_events']));
    expect(first.code).not.toBe(0);
    const error = first.messages.find(
      (m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR',
    );
    expect((error?.trace as { error: { failure_type: string } }).error.failure_type).toBe('transient_error');
    const state = lastState(first.messages, 'activity_events')!;
    expect(state).toBeDefined();
    sim.advanceClock(HOUR);
    const second = await readOnce(config, usageCatalog(['activity_events']), latestStatesFrom(state));
    expect(second.code).toBe(0);
    const all = [
      ...records(first.messages, 'activity_events'),
      ...records(second.messages, 'activity_events'),
    ];
    const cursor = Date.parse(String(state.cursor));
    const start = Math.floor(Date.now() / DAY) * DAY - 3 * DAY;
    const end = Date.parse(String(lastState(second.messages, 'activity_events')!.cursor));
    const truth = new ActivityLog(sim.tenant.ctx, sim.credentials.tenantId);
    const expected: string[] = [];
    for (let day = start; day < end; day += DAY)
      for (const e of truth.day(day)) {
        const at = Date.parse(`${String(e.CreationTime)}Z`);
        if (at >= start && at < end) expected.push(String(e.Id));
      }
    expect(cursor).toBeGreaterThan(start);
    expect([...new Set(ids(all))]).toEqual(expected.sort());
    expect(sim.stats().throttled.activityEvents).toBeGreaterThan(0);
  });
});

describe('refresh_history and apps through the built CLI', () => {
  let sim: Simulator;
  beforeAll(async () => {
    // 40 workspaces: 60 refreshable datasets and dataflows, failed refreshes, apps with report copies.
    sim = await startSimulator({ seed: 42, workspaces: 40, scanDurationMs: 30 });
  });
  afterAll(async () => {
    await sim.close();
  });

  const config = (): Record<string, unknown> => ({ ...sim.config, scan: { poll_interval_seconds: 0.05 } });
  const activeWorkspaces = () =>
    sim.tenant
      .listWorkspaces()
      .filter((w) => !w.isPersonal && w.state === 'Active')
      .map((w) => sim.tenant.workspace(w.id)!);

  function refreshTruth(at: number): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    const seed = sim.tenant.ctx.seed;
    for (const ws of activeWorkspaces()) {
      for (const ds of ws.datasets ?? []) {
        if (!isRefreshableDataset(ds.contentProviderType)) continue;
        for (const r of refreshHistory(seed, ds.id, at, 20))
          if (r.endTime)
            out.set(`Dataset:${ds.id}:${r.requestId}`, { ...r, errorCode: r.serviceExceptionJson });
      }
      for (const df of ws.dataflows ?? [])
        for (const t of dataflowTransactions(seed, df.objectId, at, 20))
          if (t.endTime) out.set(`Dataflow:${df.objectId}:${t.id}`, { ...t });
    }
    return out;
  }

  let refreshState: Record<string, unknown>;
  let artifactCount: number;

  test('refresh history: one call per refreshed dataset and dataflow, finished refreshes as the tenant has them', async () => {
    const before = sim.stats().requests;
    const truthBefore = refreshTruth(sim.now());
    const result = await readOnce(
      config(),
      usageCatalog(['refresh_history', 'apps'], ['reports', 'datasets']),
    );
    const truthAfter = refreshTruth(sim.now());
    expect(result.code).toBe(0);
    expectValid(result.messages, 'refresh_history');
    const after = sim.stats().requests;
    const refreshed = activeWorkspaces().flatMap((w) =>
      (w.datasets ?? []).filter((d) => isRefreshableDataset(d.contentProviderType)),
    );
    const flows = activeWorkspaces().flatMap((w) => w.dataflows ?? []);
    expect((after.refreshes ?? 0) - (before.refreshes ?? 0)).toBe(refreshed.length);
    expect((after.dataflowTransactions ?? 0) - (before.dataflowTransactions ?? 0)).toBe(flows.length);
    artifactCount = refreshed.length + flows.length;

    const rows = records(result.messages, 'refresh_history');
    const keys = rows.map((r) => `${String(r.artifactType)}:${String(r.artifactId)}:${String(r.refreshId)}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of truthBefore.keys()) expect(keys).toContain(key);
    for (const [i, key] of keys.entries()) {
      const expected = truthBefore.get(key) ?? truthAfter.get(key);
      expect(expected).toBeDefined();
      expect(rows[i]!.endTime).toBe(expected!.endTime);
      expect(rows[i]!.status).toBe(expected!.status);
    }
    const failed = rows.filter((r) => r.status === 'Failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) expect(String(r.errorCode)).toMatch(/^[A-Za-z_]+$/);
    refreshState = lastState(result.messages, 'refresh_history')!;

    // apps: every app of the tenant, its report copies resolving to reports of the same read.
    expectValid(result.messages, 'apps');
    const apps = records(result.messages, 'apps');
    const tenantApps = listApps(sim.tenant.ctx);
    expect(ids(apps)).toEqual(tenantApps.map((a) => a.id).sort());
    const reportIds = new Set(records(result.messages, 'reports').map((r) => String(r.id)));
    let copies = 0;
    for (const app of tenantApps) {
      const row = apps.find((a) => a.id === app.id)!;
      expect(row.workspaceId).toBe(app.workspaceId);
      const expected = (sim.tenant.workspace(app.workspaceId)?.reports ?? [])
        .filter((r) => r.appId === app.id)
        .map((r) => ({ appReportId: r.id, originalReportId: r.originalReportObjectId }));
      expect(row.reports).toEqual(expected);
      for (const link of expected) {
        copies += 1;
        expect(reportIds.has(link.appReportId)).toBe(true);
        expect(reportIds.has(String(link.originalReportId))).toBe(true);
      }
    }
    expect(copies).toBeGreaterThan(0);
  });

  test('an incremental read without any scan stream still asks every known artifact, and emits only recent refreshes', async () => {
    sim.advanceClock(12 * HOUR);
    const since = Date.parse(String(refreshState.cursor)) - 15 * 60_000;
    const expected = [...refreshTruth(sim.now()).entries()].filter(
      ([, r]) => Date.parse(String(r.endTime)) >= since,
    );
    const before = sim.stats().requests;
    const result = await readOnce(
      config(),
      usageCatalog(['refresh_history']),
      latestStatesFrom(refreshState, 'refresh_history'),
    );
    expect(result.code).toBe(0);
    const after = sim.stats().requests;
    expect((after.getInfo ?? 0) - (before.getInfo ?? 0)).toBe(0);
    const calls =
      (after.refreshes ?? 0) -
      (before.refreshes ?? 0) +
      (after.dataflowTransactions ?? 0) -
      (before.dataflowTransactions ?? 0);
    expect(calls).toBe(artifactCount);
    const rows = records(result.messages, 'refresh_history');
    for (const r of rows) expect(Date.parse(String(r.endTime))).toBeGreaterThanOrEqual(since);
    const keys = new Set(
      rows.map((r) => `${String(r.artifactType)}:${String(r.artifactId)}:${String(r.refreshId)}`),
    );
    expect(expected.length).toBeGreaterThan(0);
    for (const [key] of expected) expect(keys.has(key)).toBe(true);
  });

  test('without a scan and without state, refresh_history says what to select', async () => {
    const result = await readOnce(config(), usageCatalog(['refresh_history']));
    expect(result.code).toBe(0);
    expect(records(result.messages, 'refresh_history')).toEqual([]);
    const warn = result.messages.find(
      (m) =>
        m.type === 'LOG' && (m.log as { level: string; message: string }).message.includes('refresh_history'),
    );
    expect((warn?.log as { level: string; message: string }).message).toMatch(/Select a scan stream/);
  });
});
