import { ConnectorError } from '../../../src/errors.js';
import { DEFAULT_HOURLY_BUDGETS } from '../../../src/powerbi/endpoints.js';
import { RequestScheduler, type WaitInfo } from '../../../src/powerbi/rate-limiter.js';
import { FakeClock } from './fake-clock.js';

const HOUR = 3_600_000;

function scheduler(
  clock: FakeClock,
  waits: WaitInfo[] = [],
  maxWaitMs = 2 * HOUR,
  maxScansInFlight?: number,
) {
  return new RequestScheduler({
    clock,
    budgets: { ...DEFAULT_HOURLY_BUDGETS, modified: 3 },
    maxWaitMs,
    maxScansInFlight,
    onWait: (info) => waits.push(info),
  });
}

describe('RequestScheduler', () => {
  it("keeps an endpoint within its hourly budget, waiting for the window's oldest request to age out", async () => {
    const clock = new FakeClock();
    const waits: WaitInfo[] = [];
    const s = scheduler(clock, waits);
    const start = clock.now();
    await s.acquire('modified');
    clock.current += 1000;
    await s.acquire('modified');
    await s.acquire('modified');
    expect(waits).toEqual([]);
    await s.acquire('modified');
    expect(waits).toEqual([{ endpoint: 'modified', untilMs: start + HOUR, reason: 'budget' }]);
    expect(clock.now()).toBe(start + HOUR);
    expect(s.stats().requests.modified).toBe(4);
  });

  it('knows the documented budgets', () => {
    expect(DEFAULT_HOURLY_BUDGETS).toMatchObject({
      getInfo: 500,
      modified: 30,
      scanStatus: 10_000,
      scanResult: 500,
      groups: 50,
      activityEvents: 200,
      apps: 200,
    });
  });

  it('makes every call to a throttled endpoint wait, and only that endpoint', async () => {
    const clock = new FakeClock(Date.parse('2026-11-28T09:00:00Z'), false);
    const waits: WaitInfo[] = [];
    const s = scheduler(clock, waits);
    const until = clock.now() + 30_000;
    s.block('getInfo', until);
    await s.acquire('scanStatus');
    expect(waits).toEqual([]);
    let sent = 0;
    const both = Promise.all(
      [s.acquire('getInfo'), s.acquire('getInfo')].map((p) => p.then(() => (sent += 1))),
    );
    await clock.advance(29_999);
    expect(sent).toBe(0);
    expect(waits).toEqual([
      { endpoint: 'getInfo', untilMs: until, reason: 'throttled' },
      { endpoint: 'getInfo', untilMs: until, reason: 'throttled' },
    ]);
    await clock.advance(1);
    await both;
    expect(sent).toBe(2);
    expect(s.stats().requests.getInfo).toBe(2);
  });

  it('fails with a transient_error carrying retryAfterMs instead of waiting beyond patience', async () => {
    const clock = new FakeClock();
    const s = scheduler(clock, [], 60_000);
    const until = clock.now() + 3_392_000;
    s.block('groups', until);
    const error = await s.acquire('groups').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('transient_error');
    expect((error as ConnectorError).retryAfterMs).toBe(until);
    expect(clock.sleeps).toEqual([]);
  });

  it('fails beyond patience when the hourly budget is used up', async () => {
    const clock = new FakeClock();
    const s = scheduler(clock, [], 60_000);
    for (let i = 0; i < 3; i += 1) await s.acquire('modified');
    const error = (await s.acquire('modified').catch((e: unknown) => e)) as ConnectorError;
    expect(error.failureType).toBe('transient_error');
    expect(error.retryAfterMs).toBe(clock.now() + HOUR);
  });

  it('never lets more scans than the limit be in flight, and caps the limit at 16', async () => {
    const clock = new FakeClock();
    expect(scheduler(clock, [], HOUR, 40).maxScansInFlight).toBe(16);
    const s = scheduler(clock, [], HOUR, 3);
    const releases = await Promise.all([s.acquireScanSlot(), s.acquireScanSlot(), s.acquireScanSlot()]);
    let fourthStarted = false;
    const fourth = s.acquireScanSlot().then((release) => {
      fourthStarted = true;
      return release;
    });
    await Promise.resolve();
    expect(fourthStarted).toBe(false);
    expect(s.stats().scansInFlight).toBe(3);
    releases[0]?.();
    releases[0]?.(); // releasing twice frees one slot only
    const release4 = await fourth;
    expect(fourthStarted).toBe(true);
    expect(s.stats()).toMatchObject({ scansInFlight: 3, peakScansInFlight: 3 });
    release4();
  });
});
