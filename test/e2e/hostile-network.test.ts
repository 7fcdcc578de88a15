/**
 * Hostile network input, end to end: the built CLI reads a simulated tenant while the simulator
 * answers with junk Retry-After headers, dripping answers, oversized bodies and scan results with a
 * monstrous workspace. Every case must end classified (a TRACE error of the right failure_type, or
 * the records with the bad workspace recorded as failed in the state), well within 60 s, with the
 * connector's peak RSS at most 400 MiB (measured by test/helpers/hostile-run.ts from the child's own
 * ru_maxrss), and with no secret or token in stdout or stderr.
 *
 * Before the fixes these cases hung (a 429 with `Retry-After: -5` waited 10, 20, 40, 60, 60 ... s on
 * one call; a dripping answer was never idle, so never timed out) or peaked at 0.5-1.3 GB RSS.
 */
import { jest } from '@jest/globals';
import { startSimulator, type FaultScript, type Simulator } from '../../simulator/index.js';
import { startEarly } from '../helpers/faults-early-start.js';
import { unfiredFaults } from '../helpers/faults-script.js';
import { measuredRead, type MeasuredRun } from '../helpers/hostile-run.js';
import { catalogFor, latestStates, type Message } from '../helpers/read-run.js';
import { configSecrets, findLeaks, logText, recordCount, traceErrors } from '../soak/harness.js';

jest.setTimeout(240_000);

const MAX_RSS_MIB = 400;

const workspaceRecords = (messages: Message[]) =>
  messages.filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === 'workspaces');
const MAX_DURATION_MS = 60_000;

/** A read and what the check after it needs: the faults that never fired ('' when all did), the secrets. */
interface ScriptedRun {
  run: MeasuredRun;
  unfired: string;
  secrets: string[];
}

describe('read against a hostile server (built CLI, measured)', () => {
  let sim: Simulator;
  let cleanRecords: number;
  let cleanWorkspaces: number;
  const catalog = catalogFor('incremental');
  const figures: string[] = [];
  const sims: Simulator[] = [];
  /**
   * The cases that mostly wait out the connector's own backoff, each started in beforeAll; their
   * tests come last, so that the other cases read meanwhile.
   */
  let minusFive: Promise<ScriptedRun>;
  let tokenBody: Promise<ScriptedRun>;
  let drip: Promise<{ dripping: ScriptedRun; resumed: ScriptedRun }>;

  /** The same tenant on every simulator: seed 11, 24 workspaces, 3 batches of 8 scanned one at a time. */
  const startTenant = async () => {
    const started = await startSimulator({ seed: 11, workspaces: 24, scanDurationMs: 0 });
    sims.push(started);
    return started;
  };
  const configOf = (target: Simulator): Record<string, unknown> => ({
    ...target.config,
    scan: { poll_interval_seconds: 0.05, workspaces_per_scan: 8, max_scans_in_flight: 1 },
    request_timeout_seconds: 1,
    max_retry_wait_seconds: 30,
  });

  /**
   * Scripts the faults on `target` and reads; asserts nothing yet, as it may run before its test.
   * Faults are per simulator, so reads that overlap each use their own simulator.
   */
  const readOn = async (
    target: Simulator,
    name: string,
    faults: FaultScript[],
    state?: unknown,
    overrides: Record<string, unknown> = {},
  ): Promise<ScriptedRun> => {
    target.faults.clear();
    for (const fault of faults) target.faults.script(fault);
    const run = await measuredRead({ ...configOf(target), ...overrides }, catalog, state);
    figures.push(`${name}: ${run.durationMs} ms, peak RSS ${run.peakRssMiB ?? '?'} MiB, exit ${run.code}`);
    const unfired = unfiredFaults(target);
    target.faults.clear();
    return { run, unfired, secrets: configSecrets(target.config) };
  };

  /** What every case must: its faults fired, fast, small, no leak. */
  const checked = ({ run, unfired, secrets }: ScriptedRun): MeasuredRun => {
    expect(unfired).toBe('');
    expect(run.durationMs).toBeLessThan(MAX_DURATION_MS);
    expect(run.peakRssMiB).toBeDefined();
    expect(run.peakRssMiB!).toBeLessThanOrEqual(MAX_RSS_MIB);
    expect(findLeaks(run, secrets)).toEqual([]);
    return run;
  };

  /** Reads the main simulator's tenant under these faults, checked. */
  const read = async (
    name: string,
    faults: FaultScript[],
    state?: unknown,
    overrides: Record<string, unknown> = {},
  ): Promise<MeasuredRun> => checked(await readOn(sim, name, faults, state, overrides));

  /** Stopped with exactly one TRACE error of this type; returns it. */
  const stopped = (run: MeasuredRun, failureType: string) => {
    expect(run.code).toBe(1);
    const errors = traceErrors(run.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.failure_type).toBe(failureType);
    return errors[0]!;
  };

  const scanState = (messages: Message[]) => {
    const states = latestStates(messages).map(
      (s) => (s as { stream: { stream_state: Record<string, unknown> } }).stream.stream_state,
    );
    expect(states.length).toBeGreaterThan(0);
    return states[0]!;
  };

  beforeAll(async () => {
    const [throttled, dripping] = await Promise.all([startTenant(), startTenant()]);
    minusFive = startEarly(() =>
      readOn(throttled, '429 Retry-After -5 always (scanResult, after batch 1)', [
        { kind: '429', endpoint: 'scanResult', skip: 1, times: 6, retryAfter: '-5' },
      ]),
    );
    tokenBody = startEarly(async () => {
      await minusFive.catch(() => undefined);
      return readOn(throttled, '8 MiB token body', [
        { kind: 'huge-body', endpoint: 'token', sizeBytes: 8 * 1024 * 1024, times: 3 },
      ]);
    });
    drip = startEarly(async () => {
      const cut = await readOn(dripping, 'drip every try (scanStatus of batch 2)', [
        { kind: 'drip', endpoint: 'scanStatus', skip: 1, times: 6, dripBytes: 4, dripIntervalMs: 100 },
      ]);
      const resumed = await readOn(dripping, 'drip: resumed', [], latestStates(cut.run.messages));
      return { dripping: cut, resumed };
    });
    sim = await startTenant();
    const clean = await read('clean', []);
    expect(clean.code).toBe(0);
    cleanRecords = recordCount(clean.messages);
    cleanWorkspaces = workspaceRecords(clean.messages).length;
    expect(cleanRecords).toBeGreaterThan(100);
  });

  afterAll(async () => {
    await Promise.allSettled([minusFive, tokenBody, drip]);
    for (const started of sims) await started.close();
    process.stderr.write(`hostile-network figures:\n  ${figures.join('\n  ')}\n`);
  });

  test('Retry-After "garbage" is ignored with a WARN, the connector backs off itself and completes', async () => {
    const run = await read('429 Retry-After garbage x2 (scanStatus)', [
      { kind: '429', endpoint: 'scanStatus', times: 2, retryAfter: 'garbage' },
    ]);
    expect({ code: run.code, errors: traceErrors(run.messages) }).toEqual({ code: 0, errors: [] });
    expect(recordCount(run.messages)).toBe(cleanRecords);
    const warnings = run.messages.filter(
      (m) => m.type === 'LOG' && (m.log as { level: string }).level === 'WARN',
    );
    const ignored = warnings.filter((m) =>
      /scanStatus: ignored the Retry-After header "garbage"/.test((m.log as { message: string }).message),
    );
    expect(ignored).toHaveLength(2);
  });

  test('a 100 MiB JSON answer is not read past 32 MiB: system_error naming the endpoint and limit', async () => {
    // A generous timeout: reading the 32 MiB allowed must not hit the 1 s total deadline first.
    const run = await read(
      '100 MiB modified body',
      [{ kind: 'huge-body', endpoint: 'modified', sizeBytes: 100 * 1024 * 1024 }],
      undefined,
      { request_timeout_seconds: 20 },
    );
    const error = stopped(run, 'system_error');
    expect(error.message).toMatch(/answer to modified is over a limit.*larger than 32 MiB/);
  });

  test('a JSON answer nested a million levels deep is not parsed: system_error', async () => {
    const run = await read(
      'deep modified body',
      [{ kind: 'deep-body', endpoint: 'modified', depth: 1_000_000 }],
      undefined,
      { request_timeout_seconds: 20 },
    );
    const error = stopped(run, 'system_error');
    expect(error.message).toMatch(/modified.*nested deeper than 64 levels/);
  });

  test.each([
    [
      'a workspace nested 5 million levels deep',
      'deep-workspace',
      { depth: 5_000_000 },
      /nesting deeper than 64/,
    ],
    [
      'a workspace with a 100 MiB string',
      'huge-string-workspace',
      { sizeBytes: 100 * 1024 * 1024 },
      /string longer than 16 Mi characters/,
    ],
  ] as const)('%s fails that workspace only; it is retried next sync', async (name, kind, extra, detail) => {
    const run = await read(name, [{ kind, ...extra }]);
    expect({ code: run.code, errors: traceErrors(run.messages) }).toEqual({ code: 0, errors: [] });
    const workspaces = workspaceRecords(run.messages);
    expect(workspaces).toHaveLength(cleanWorkspaces - 1);
    const state = scanState(run.messages);
    expect(state.retryWorkspaceIds).toHaveLength(1);
    const failedId = (state.retryWorkspaceIds as string[])[0]!;
    expect(logText(run.messages)).toMatch(
      new RegExp(`Workspace ${failedId} could not be scanned \\(.*${detail.source}`),
    );
    // Not taken as deleted: no tombstone for it.
    const ids = workspaces.map((m) => (m.record as { data: { id: string } }).data.id.toLowerCase());
    expect(ids).not.toContain(failedId.toLowerCase());
    // The next sync scans it again (the fault is gone) and completes.
    const next = await read(`${name}: next sync`, [], latestStates(run.messages));
    expect({ code: next.code, errors: traceErrors(next.messages) }).toEqual({ code: 0, errors: [] });
    const again = workspaceRecords(next.messages).filter(
      (m) => (m.record as { data: { id: string } }).data.id.toLowerCase() === failedId.toLowerCase(),
    );
    expect(again).toHaveLength(1);
  });

  test('Retry-After "-5" on every try stops with transient_error within a minute, state kept', async () => {
    const run = checked(await minusFive);
    const error = stopped(run, 'transient_error');
    expect(error.message).toMatch(/scanResult.*Retry-After header that was ignored/);
    expect(logText(run.messages)).toMatch(/scanResult: ignored the Retry-After header "-5"/);
    // The first batch was checkpointed before the throttling began.
    expect(scanState(run.messages).pending).toMatchObject({ doneThroughId: expect.any(String) as string });
  });

  test('an answer dripping a few bytes at a time is cut at the deadline, retried, then transient_error', async () => {
    const { dripping, resumed: resumedRun } = await drip;
    const run = checked(dripping);
    const error = stopped(run, 'transient_error');
    expect(error.message).toMatch(
      /scanStatus after 6 attempt\(s\).*ETIMEDOUT.*no complete answer within 1000 ms/,
    );
    const state = scanState(run.messages);
    expect(state.pending).toMatchObject({ doneThroughId: expect.any(String) as string });
    // The state resumes: a rerun finishes the sync.
    const resumed = checked(resumedRun);
    expect({ code: resumed.code, errors: traceErrors(resumed.messages) }).toEqual({ code: 0, errors: [] });
    expect(logText(resumed.messages)).toMatch(/resuming/i);
  });

  test('an 8 MiB token answer from Entra is not read past 1 MiB: transient_error', async () => {
    const run = checked(await tokenBody);
    const error = stopped(run, 'transient_error');
    expect(error.message).toMatch(/answered with more than 1 MiB, which no token response is/);
  });
});
