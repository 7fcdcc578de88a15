/**
 * Fault injection end to end: the built CLI reads a simulated tenant while the simulator answers
 * with scripted faults. Each case ends either with exactly the destination view of a clean run, or
 * with a classified TRACE error and a state from which a rerun completes that same view.
 *
 * Three simulators serve the same tenant (same seed, size and start instant, so the same records).
 * The reads that mostly wait out throttling and backoff run on the second and third, one after
 * another on each, started in beforeAll: their waiting overlaps the reads of the other cases, which
 * run in their tests on the first (and come first in this file, so that none waits for them). Faults of one family share a read (both kinds of 429; 500, 502
 * and 503; resets and malformed bodies; slow and missing answers; Failed, stuck and expired scans),
 * and each test asserts what its fault did in it.
 */
import { jest } from '@jest/globals';
import { startSimulator, type FaultScript, type Simulator } from '../../simulator/index.js';
import { diffViews, type View } from '../helpers/destination.js';
import { inSequence } from '../helpers/faults-early-start.js';
import { firedSince, unfiredFaults } from '../helpers/faults-script.js';
import { catalogFor, type Message } from '../helpers/read-run.js';
import {
  configSecrets,
  duplicateKeys,
  findLeaks,
  latestStates,
  logText,
  recordCount,
  runRead,
  traceErrors,
  viewOf,
  type RunOutput,
} from '../soak/harness.js';

jest.setTimeout(180_000);

/** A read under scripted faults; nothing asserted yet (it may run before its test). */
interface FaultedRun {
  out: RunOutput;
  /** The scripted faults that never fired ('' when all did). */
  unfired: string;
  /** Faults fired during the read, per kind. */
  fired: Record<string, number>;
}

const SERVER_ERRORS = ['500', '502', '503'] as const;

/**
 * 500, 502 and 503 on every endpoint in one read, no call failing more than three times in a row
 * (six failed attempts would end it): modified, getInfo and scanStatus each answer 500, 502, 503
 * to one call in turn; scanResult answers each kind twice, the kinds a request apart.
 */
const serverErrorFaults: FaultScript[] = SERVER_ERRORS.flatMap((kind, index) => [
  { kind, endpoint: 'modified' },
  { kind, endpoint: 'getInfo', skip: 1 },
  { kind, endpoint: 'scanStatus', skip: 3 },
  { kind, endpoint: 'scanResult', skip: 1 + index, times: 2 },
]);

describe('read under faults (built CLI against the simulator)', () => {
  let sim: Simulator;
  /** The same tenant again, for the reads that start in beforeAll: throttling; 5xx and transport faults. */
  let throttling: Simulator;
  let transport: Simulator;
  let config: Record<string, unknown>;
  let clean: View;
  let cleanRecords: number;
  const catalog = catalogFor('incremental');
  const outputs: RunOutput[] = [];
  const throttlingQueue = inSequence();
  const transportQueue = inSequence();
  let throttled: Promise<FaultedRun>;
  let serverErrors: Promise<FaultedRun>;
  let resetsAndMalformed: Promise<FaultedRun>;
  let slowAndTimeouts: Promise<FaultedRun>;
  let scanFaults: Promise<FaultedRun> | undefined;

  /**
   * The tenant: 24 workspaces to scan in 5 batches of at most 5, two scans in flight. Seed 28 has
   * fewer M expressions than most tenants of this size, and parsing them is most of a read's CPU.
   */
  const startTenant = (startTime: number) =>
    startSimulator({ seed: 28, workspaces: 32, scanDurationMs: 150, startTime });
  const configOf = (target: Simulator): Record<string, unknown> => ({
    ...target.config,
    scan: {
      poll_interval_seconds: 0.05,
      workspaces_per_scan: 5,
      max_scans_in_flight: 2,
      scan_timeout_minutes: 0.02,
    },
    request_timeout_seconds: 1,
    max_retry_wait_seconds: 20,
  });

  const read = async (cfg: unknown, state?: unknown, onMessage?: (m: Message) => void) => {
    const out = await runRead(cfg, catalog, state, onMessage);
    outputs.push(out);
    return out;
  };

  /** Scripts the faults on `target` and reads its tenant. */
  const faultedRead = async (
    target: Simulator,
    faults: FaultScript[],
    cfg: unknown = configOf(target),
  ): Promise<FaultedRun> => {
    target.faults.clear();
    for (const fault of faults) target.faults.script(fault);
    const before = target.stats().faultsFired;
    const out = await read(cfg);
    const fired = firedSince(target, before);
    const unfired = unfiredFaults(target);
    target.faults.clear();
    return { out, unfired, fired };
  };

  /** Every scripted fault fired and the run emitted no key twice. */
  const checked = ({ out, unfired }: FaultedRun): RunOutput => {
    expect(unfired).toBe('');
    expect(duplicateKeys(out.messages)).toEqual({});
    return out;
  };

  /** Scripts the faults on the main simulator, reads, asserts they fired and no key came twice. */
  const readWithFaults = async (faults: FaultScript[], cfg: unknown = config) =>
    checked(await faultedRead(sim, faults, cfg));

  /** A run that recovered by itself: exit 0, no TRACE error, the clean run's records. */
  const expectRecovered = (out: RunOutput) => {
    expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
    expect(diffViews(viewOf(out.messages), clean)).toEqual([]);
    expect(recordCount(out.messages)).toBe(cleanRecords);
  };

  /** A run that stopped: classified TRACE, then a rerun from its state completes the clean view. */
  const expectStoppedThenResumed = async (out: RunOutput, failureType: string, internal: RegExp) => {
    expect(out.code).toBe(1);
    const errors = traceErrors(out.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.failure_type).toBe(failureType);
    expect(errors[0]!.internal_message).toMatch(internal);
    expect(errors[0]!.message.length).toBeGreaterThan(20);
    const states = latestStates(out.messages);
    const resumed = await read(config, states.length > 0 ? states : undefined);
    expect({ code: resumed.code, errors: traceErrors(resumed.messages) }).toEqual({ code: 0, errors: [] });
    expect(duplicateKeys(resumed.messages)).toEqual({});
    expect(diffViews(viewOf(out.messages, resumed.messages), clean)).toEqual([]);
    return { states, resumed };
  };

  /** Failed, stuck and expired scans in one read of the main simulator, read by the first test that asks. */
  const scanLifecycleRun = () =>
    (scanFaults ??= faultedRead(sim, [
      { kind: 'scan-failed', skip: 1, times: 2 },
      { kind: 'scan-stuck', skip: 2 },
      { kind: 'result-expired', skip: 1, times: 2 },
    ]));

  beforeAll(async () => {
    const startTime = Date.now();
    [sim, throttling, transport] = await Promise.all([
      startTenant(startTime),
      startTenant(startTime),
      startTenant(startTime),
    ]);
    config = configOf(sim);
    // A generous request timeout: on a loaded machine a 1 s timeout could cut a 429 off before
    // the connector sees it, and the log line the test looks for would be missing.
    throttled = throttlingQueue(() =>
      faultedRead(
        throttling,
        [
          { kind: '429', endpoint: 'modified', times: 2, retryAfterSeconds: 1 },
          { kind: '429', endpoint: 'getInfo', times: 3, retryAfterSeconds: 1 },
          { kind: '429', endpoint: 'scanStatus', times: 4, skip: 2, retryAfterSeconds: 1 },
          { kind: '429', endpoint: 'scanResult', times: 2, retryAfterSeconds: 1 },
          { kind: '429-no-retry-after', endpoint: 'scanResult', skip: 1 },
        ],
        { ...configOf(throttling), request_timeout_seconds: 10 },
      ),
    );
    serverErrors = transportQueue(() => faultedRead(transport, serverErrorFaults));
    // Resets and malformed bodies in one read: no call fails more than three times in a row.
    resetsAndMalformed = transportQueue(() =>
      faultedRead(transport, [
        { kind: 'reset', endpoint: 'modified' },
        { kind: 'reset', endpoint: 'getInfo', skip: 2 },
        { kind: 'reset', endpoint: 'scanStatus', skip: 1, times: 2 },
        { kind: 'reset', endpoint: 'scanResult', skip: 2 },
        { kind: 'malformed', endpoint: 'modified' },
        { kind: 'malformed', endpoint: 'getInfo', skip: 1 },
        { kind: 'malformed', endpoint: 'scanStatus', skip: 2 },
        { kind: 'malformed', endpoint: 'scanResult', skip: 1, times: 2 },
      ]),
    );
    // Slow answers (waited for) and answers that never come (cut and asked again) in one read.
    slowAndTimeouts = transportQueue(() =>
      faultedRead(transport, [
        { kind: 'slow', endpoint: 'getInfo', delayMs: 600 },
        { kind: 'slow', endpoint: 'scanResult', delayMs: 600, skip: 1 },
        { kind: 'timeout', endpoint: 'modified' },
        { kind: 'timeout', endpoint: 'scanStatus', skip: 2 },
        { kind: 'timeout', endpoint: 'scanResult', skip: 1 },
      ]),
    );
    const out = await read(config);
    expect(out.code).toBe(0);
    expect(duplicateKeys(out.messages)).toEqual({});
    clean = viewOf(out.messages);
    cleanRecords = recordCount(out.messages);
    // The tenant is not trivial: several batches, every kind of artifact.
    expect(clean.get('workspaces')!.size).toBeGreaterThan(20);
    expect(clean.get('columns')!.size).toBeGreaterThan(100);
    expect(clean.get('lineage')!.size).toBeGreaterThan(10);
  });

  afterAll(async () => {
    await Promise.allSettled([throttled, serverErrors, resetsAndMalformed, slowAndTimeouts, scanFaults]);
    await sim?.close();
    await throttling?.close();
    await transport?.close();
    const secrets = [sim, throttling, transport].flatMap((s) => (s ? configSecrets(s.config) : []));
    const leaks = outputs.flatMap((o) => findLeaks(o, secrets));
    expect(leaks).toEqual([]);
  });

  test('a Retry-After beyond max_retry_wait_seconds stops at once with transient_error and a resumable state', async () => {
    // One scan at a time: the first batch is surely complete (and checkpointed) before the 429.
    const out = await readWithFaults(
      [{ kind: '429', endpoint: 'scanResult', skip: 1, retryAfterSeconds: 3600 }],
      {
        ...config,
        // Long timeouts: a retried first download (a loaded machine) would meet the 429 before any checkpoint.
        scan: { ...(config.scan as object), max_scans_in_flight: 1, scan_timeout_minutes: 5 },
        request_timeout_seconds: 60,
      },
    );
    const { states, resumed } = await expectStoppedThenResumed(out, 'transient_error', /429/);
    // It stopped instead of sleeping: nowhere near the hour (the CLI would have been killed).
    const error = traceErrors(out.messages)[0]!;
    expect(error.message).toMatch(/max_retry_wait_seconds/);
    expect(error.stack_trace).toBeUndefined();
    // Batches finished before the 429 were checkpointed and not scanned again.
    const pending = states.map(
      (s) =>
        (s as { stream: { stream_state: { pending?: { doneThroughId?: string } } } }).stream.stream_state,
    );
    expect(pending[0]!.pending?.doneThroughId).toBeDefined();
    expect(logText(resumed.messages)).toMatch(/resuming the sync/);
    const statuses = out.messages
      .filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'STREAM_STATUS')
      .map((m) => (m.trace as { stream_status: { status: string } }).stream_status.status);
    expect(statuses).toContain('INCOMPLETE');
  });

  test('a scan that ends Failed is submitted again', async () => {
    const run = await scanLifecycleRun();
    expectRecovered(checked(run));
    expect(run.fired['scan-failed']).toBe(2);
    expect(logText(run.out.messages)).toMatch(/scan Failed/);
  });

  test('a scan stuck in Running beyond scan_timeout_minutes is abandoned and submitted again', async () => {
    const run = await scanLifecycleRun();
    expectRecovered(checked(run));
    expect(run.fired['scan-stuck']).toBe(1);
    expect(logText(run.out.messages)).toMatch(/submitting it again/);
  });

  test('an expired scan result (404) is scanned again', async () => {
    const run = await scanLifecycleRun();
    expectRecovered(checked(run));
    expect(run.fired['result-expired']).toBe(2);
    expect(logText(run.out.messages)).toMatch(/submitting the scan again/);
  });

  test('a workspace whose scan always fails is reported, kept for the next sync, and caught up by it', async () => {
    // One workspace on its own: Failed, retried once, Failed again -> reported; the sync goes on.
    const id = [...clean.get('workspaces')!.values()].map((w) => String(w.id)).sort()[3]!;
    const single = { ...config, workspaces: { include_ids: [id] } };
    const reference = await read(single);
    expect(reference.code).toBe(0);
    const out = await readWithFaults([{ kind: 'scan-failed', times: 2 }], single);
    expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
    expect(logText(out.messages)).toContain(`Workspace ${id} could not be scanned`);
    expect(recordCount(out.messages)).toBe(0);
    const states = latestStates(out.messages);
    for (const state of states) {
      const streamState = (state as { stream: { stream_state: { retryWorkspaceIds?: string[] } } }).stream
        .stream_state;
      expect(streamState.retryWorkspaceIds).toEqual([id]);
    }
    const next = await read(single, states);
    expect(next.code).toBe(0);
    expect(logText(next.messages)).toMatch(/Incremental sync/);
    expect(diffViews(viewOf(out.messages, next.messages), viewOf(reference.messages))).toEqual([]);
  });

  test('access tokens expiring mid-run (403 TokenExpired) are renewed', async () => {
    const before = sim.stats().tokenRequests;
    const out = await readWithFaults([
      { kind: 'token-expiry', endpoint: 'getInfo', skip: 1 },
      { kind: 'token-expiry', endpoint: 'scanResult', skip: 2 },
    ]);
    expectRecovered(out);
    // One token at the start, one after each expiry (concurrent calls share the renewed token or renew again).
    expect(sim.stats().tokenRequests - before).toBeGreaterThanOrEqual(3);
  });

  test('a token rejected as expired after every renewal (3 per call) stops with a transient_error naming the clock', async () => {
    const out = await readWithFaults([{ kind: 'token-expiry', endpoint: 'scanStatus', skip: 1, times: 4 }], {
      ...config,
      scan: { ...(config.scan as object), max_scans_in_flight: 1 },
    });
    const { resumed } = await expectStoppedThenResumed(
      out,
      'transient_error',
      /^TokenExpired: GET scanStatus: HTTP 403/,
    );
    const error = traceErrors(out.messages)[0]!;
    expect(error.message).toMatch(/clock/);
    expect(error.message).not.toMatch(/Admin API settings/);
    expect(resumed.code).toBe(0);
  });

  test('a 429 storm with Retry-After on every scanner endpoint is waited out', async () => {
    const run = await throttled;
    expectRecovered(checked(run));
    expect(run.fired['429']).toBe(11);
  });

  test('429 without Retry-After backs off (10 s base) and completes', async () => {
    const run = await throttled;
    expectRecovered(checked(run));
    expect(run.fired['429-no-retry-after']).toBe(1);
    expect(logText(run.out.messages)).toMatch(/scanResult: HTTP 429.*retrying in 1\d s/);
  });

  test.each(SERVER_ERRORS)('HTTP %s on every endpoint is retried with backoff', async (kind) => {
    const run = await serverErrors;
    expectRecovered(checked(run));
    // Once on modified, getInfo and scanStatus, twice on scanResult.
    expect(run.fired[kind]).toBe(5);
  });

  test('connection resets are retried, including a repeated getInfo POST', async () => {
    const run = await resetsAndMalformed;
    expectRecovered(checked(run));
    expect(run.fired.reset).toBe(5);
  });

  test('slow answers within request_timeout_seconds are simply waited for', async () => {
    const run = await slowAndTimeouts;
    expectRecovered(checked(run));
    expect(run.fired.slow).toBe(2);
  });

  test('requests that never answer time out after request_timeout_seconds and are retried', async () => {
    const run = await slowAndTimeouts;
    expectRecovered(checked(run));
    expect(run.fired.timeout).toBe(3);
  });

  test('truncated, malformed JSON bodies are fetched again', async () => {
    const run = await resetsAndMalformed;
    expectRecovered(checked(run));
    expect(run.fired.malformed).toBe(5);
  });
});
