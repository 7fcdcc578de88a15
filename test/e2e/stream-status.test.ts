/**
 * Each stream's STREAM_STATUS follows its own fate, through the built CLI against the simulator:
 * a late failure of one api stream leaves the scan streams COMPLETE with their final STATE; a read
 * that stops before streams run leaves them STARTED → INCOMPLETE with no RUNNING. A throttled
 * `modified` call (30 an hour) ends as a transient_error naming the wait, and the kept state resumes.
 */
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { scanStreams, streams as registered } from '../../src/streams/registry.js';
import { catalogFor, latestStates, readOnce, type Message } from '../helpers/read-run.js';
import { firstIndex, streamFate } from '../helpers/stream-statuses.js';

const HOUR = 3_600_000;

/** The api streams the config below turns on; with every scan stream, the streams these reads select. */
const API_STREAMS = ['activity_events', 'refresh_history', 'apps'];
const streams = registered.filter((s) => s.kind === 'scan' || API_STREAMS.includes(s.name));
const everyStream = catalogFor(
  'incremental',
  streams.map((s) => s.name),
);

function errorTraces(messages: Message[]): { message: string; failure_type: string }[] {
  return messages
    .filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')
    .map((m) => (m.trace as { error: { message: string; failure_type: string } }).error);
}

function logText(messages: Message[]): string {
  return messages
    .filter((m) => m.type === 'LOG')
    .map((m) => (m.log as { message: string }).message)
    .join('\n');
}

/** Every stream keeps the order rules; returns each one's fate. */
function fatesOf(messages: Message[]): Map<string, ReturnType<typeof streamFate>['fate']> {
  const fates = new Map<string, ReturnType<typeof streamFate>['fate']>();
  const problems: string[] = [];
  for (const { name } of streams) {
    const result = streamFate(messages, name);
    fates.set(name, result.fate);
    problems.push(...result.problems);
  }
  expect(problems).toEqual([]);
  return fates;
}

describe('stream statuses follow each stream', () => {
  let sim: Simulator;
  let config: Record<string, unknown>;

  beforeAll(async () => {
    sim = await startSimulator({ seed: 21, workspaces: 30, scanDurationMs: 0, budgets: { modified: 2 } });
    config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05, workspaces_per_scan: 10 },
      activity_events: { enabled: true, backfill_days: 2, settle_minutes: 60 },
      refresh_history: { enabled: true },
      apps: { enabled: true },
      max_retry_wait_seconds: 1,
    };
  });
  afterAll(async () => {
    await sim.close();
  });

  let completedState: Message[];

  test('activity events throttled late: scan streams COMPLETE with their final STATE, activity_events INCOMPLETE, the later api streams COMPLETE, exit 1', async () => {
    // The first requests of the first day succeed, then Power BI asks for an hour's pause.
    sim.faults.script({ kind: '429', endpoint: 'activityEvents', skip: 3, retryAfterSeconds: 3600 });
    const run = await readOnce(config, everyStream);
    sim.faults.assertAllConsumed();
    expect(run.code).toBe(1);
    const [error] = errorTraces(run.messages);
    expect(error).toMatchObject({ failure_type: 'transient_error' });
    expect(error!.message).toMatch(/activityEvents/);
    expect(error!.message).toMatch(/Retry after \d{4}-\d\d-\d\dT/);

    const fates = fatesOf(run.messages);
    const failedAt = firstIndex(run.messages, 'activity_events', (m) => m.type === 'RECORD');
    expect(failedAt).toBeGreaterThan(0);
    for (const { name } of scanStreams) {
      const fate = fates.get(name)!;
      expect({ name, final: fate.final }).toEqual({ name, final: 'COMPLETE' });
      // The final state of a finished scan: a cursor, nothing pending.
      expect(fate.lastState?.version).toBe(1);
      expect(typeof fate.lastState?.cursor).toBe('string');
      expect(fate.lastState).not.toHaveProperty('pending');
      // COMPLETE as soon as the scan is done, not when the read ends.
      expect(fate.finalAt).toBeLessThan(failedAt);
    }
    const activity = fates.get('activity_events')!;
    expect(activity.statuses).toEqual(['STARTED', 'RUNNING', 'INCOMPLETE']);
    expect(activity.records).toBeGreaterThan(0);
    for (const name of API_STREAMS.filter((s) => s !== 'activity_events'))
      expect({ name, final: fates.get(name)!.final }).toEqual({ name, final: 'COMPLETE' });
    completedState = latestStates(run.messages);
  });

  test('a throttled modified call: transient_error naming the wait, every stream STARTED → INCOMPLETE without RUNNING, state kept and resumable', async () => {
    // The simulator's budget allows 2 calls an hour: the first test made one, this call uses it up.
    const use = await readOnce(config, catalogFor('incremental', ['workspaces']), completedState);
    expect(use.code).toBe(0);
    const before = sim.stats();
    const run = await readOnce(config, everyStream, completedState);
    expect(run.code).toBe(1);
    expect(sim.stats().throttled.modified ?? 0).toBeGreaterThan(before.throttled.modified ?? 0);
    const errors = errorTraces(run.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.failure_type).toBe('transient_error');
    expect(errors[0]!.message).toMatch(/modified/);
    const retryAfter = /Retry after (\S+)\.$/.exec(errors[0]!.message)?.[1];
    expect(Date.parse(retryAfter!) - sim.now()).toBeGreaterThan(HOUR / 2);

    const fates = fatesOf(run.messages);
    for (const { name } of streams)
      expect({ name, statuses: fates.get(name)!.statuses }).toEqual({
        name,
        statuses: ['STARTED', 'INCOMPLETE'],
      });
    // Nothing was read, so no state replaces the one given: the platform keeps it.
    expect(run.messages.filter((m) => m.type === 'STATE')).toEqual([]);
    expect(run.messages.filter((m) => m.type === 'RECORD')).toEqual([]);

    // After the wait, the same state gives an incremental read that completes every stream.
    sim.advanceClock(HOUR);
    const resumed = await readOnce(config, everyStream, completedState);
    expect(resumed.code).toBe(0);
    expect(logText(resumed.messages)).toMatch(/^Incremental sync/m);
    const after = fatesOf(resumed.messages);
    for (const { name } of streams)
      expect({ name, final: after.get(name)!.final }).toEqual({ name, final: 'COMPLETE' });
  });
});
