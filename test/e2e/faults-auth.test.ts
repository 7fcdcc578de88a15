/**
 * Authentication faults mid-run, end to end: access tokens that expire while the sync runs (the
 * simulated clock jumps past their lifetime, or they live only seconds) and a refresh token revoked
 * by an administrator in the middle of a delegated sync.
 */
import { jest } from '@jest/globals';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { diffViews, type View } from '../helpers/destination.js';
import { startEarly } from '../helpers/faults-early-start.js';
import { unfiredFaults } from '../helpers/faults-script.js';
import { catalogFor, type Message } from '../helpers/read-run.js';
import {
  configSecrets,
  duplicateKeys,
  findLeaks,
  latestStates,
  runRead,
  traceErrors,
  viewOf,
  type RunOutput,
} from '../soak/harness.js';

jest.setTimeout(180_000);

/**
 * 17 workspaces to scan in 4 batches: the first STATE comes with scans still to do. (Seed 28 has
 * fewer M expressions than most tenants of this size; parsing them is most of a read's CPU.)
 */
const SCAN = { poll_interval_seconds: 0.05, workspaces_per_scan: 5, max_scans_in_flight: 2 };
const catalog = catalogFor('incremental');
const isState = (m: Message) => m.type === 'STATE';

function controlConfigs(messages: Message[]): Record<string, unknown>[] {
  return messages
    .filter((m) => m.type === 'CONTROL')
    .map(
      (m) => (m.control as { connectorConfig: { config: Record<string, unknown> } }).connectorConfig.config,
    );
}

/** A read and the simulator's token requests during it. */
interface TokenRun {
  out: RunOutput;
  tokenRequests: number;
}

describe('authentication faults mid-run', () => {
  const sims: Simulator[] = [];
  const checked: { out: RunOutput; secrets: string[] }[] = [];
  let clean: View;
  let clockJump: Promise<TokenRun & { jumped: boolean }>;
  let shortLived: Promise<TokenRun & { latest: Record<string, unknown> | undefined; next?: RunOutput }>;
  let revoked: Promise<{ out: RunOutput; unfired: string; resumed: RunOutput }>;

  /** The same tenant on every simulator (same seed, size and start instant), hence the same clean view. */
  const start = async (options: Parameters<typeof startSimulator>[0]) => {
    const sim = await startSimulator({ seed: 28, workspaces: 22, scanDurationMs: 100, ...options });
    sims.push(sim);
    return sim;
  };
  /** Reads; nothing asserted here, as the reads run before their tests (each on its own simulator). */
  const read = async (config: Record<string, unknown>, state?: unknown, onMessage?: (m: Message) => void) => {
    const out = await runRead(config, catalog, state, onMessage);
    checked.push({ out, secrets: configSecrets(config as { credentials: Record<string, string> }) });
    return out;
  };
  const tokenRun = async (sim: Simulator, reading: () => Promise<RunOutput>): Promise<TokenRun> => {
    const before = sim.stats().tokenRequests;
    const out = await reading();
    return { out, tokenRequests: sim.stats().tokenRequests - before };
  };
  const expectNoDuplicates = (...runs: RunOutput[]) => {
    for (const out of runs) expect(duplicateKeys(out.messages)).toEqual({});
  };

  /** A clean read, then one whose simulated clock jumps an hour at the first STATE. */
  const jumpClock = async (sim: Simulator) => {
    const config = { ...sim.config, scan: SCAN };
    const cleanRun = await read(config);
    let jumped = false;
    const run = await tokenRun(sim, () =>
      read(config, undefined, (m) => {
        if (!jumped && isState(m)) {
          jumped = true;
          sim.advanceClock(65 * 60_000);
        }
      }),
    );
    return { cleanRun, run: { ...run, jumped } };
  };

  /** A delegated read with 2-second tokens, then a read with the last refresh token it handed out. */
  const readWithShortTokens = async (sim: Simulator) => {
    const run = await tokenRun(sim, () => read({ ...sim.configFor('oauth2_refresh_token'), scan: SCAN }));
    const latest = controlConfigs(run.out.messages).at(-1);
    if (!latest) return { ...run, latest };
    const next = await read({ ...latest, scan: SCAN }, latestStates(run.out.messages));
    checked.push({ out: run.out, secrets: configSecrets(latest as { credentials: Record<string, string> }) });
    return { ...run, latest, next };
  };

  /** A delegated read whose refresh token is revoked at the first STATE, then a new login resuming it. */
  const revokeMidRun = async (sim: Simulator) => {
    let revoking = false;
    const out = await read({ ...sim.configFor('oauth2_refresh_token'), scan: SCAN }, undefined, (m) => {
      if (!revoking && isState(m)) {
        revoking = true;
        sim.entra.revokeRefreshTokens();
        sim.faults.script({ kind: 'token-expiry' });
      }
    });
    const unfired = unfiredFaults(sim);
    const relogin = { ...sim.configFor('oauth2_refresh_token'), scan: SCAN };
    const resumed = await read(relogin, latestStates(out.messages));
    return { out, unfired, resumed };
  };

  beforeAll(async () => {
    const startTime = Date.now();
    const [jumping, shortTokens, revoking] = await Promise.all([
      start({ latencyMs: 20, startTime }),
      start({ tokenLifetimeSeconds: 2, latencyMs: 30, startTime }),
      start({ latencyMs: 20, startTime }),
    ]);
    // The three cases run at once, each on its own simulator; the first one's clean read serves all.
    const jumpCase = startEarly(() => jumpClock(jumping));
    clockJump = startEarly(async () => (await jumpCase).run);
    shortLived = startEarly(() => readWithShortTokens(shortTokens));
    revoked = startEarly(() => revokeMidRun(revoking));
    const { cleanRun } = await jumpCase;
    expect(cleanRun.code).toBe(0);
    expectNoDuplicates(cleanRun);
    clean = viewOf(cleanRun.messages);
  });

  afterAll(async () => {
    await Promise.allSettled([clockJump, shortLived, revoked]);
    for (const sim of sims) await sim.close();
    expect(checked.flatMap(({ out, secrets }) => findLeaks(out, secrets))).toEqual([]);
  });

  test('the simulated clock jumping an hour mid-run: every cached token is rejected as expired and renewed', async () => {
    const { out, jumped, tokenRequests } = await clockJump;
    expectNoDuplicates(out);
    expect(jumped).toBe(true);
    expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
    expect(tokenRequests).toBeGreaterThanOrEqual(2);
    expect(diffViews(viewOf(out.messages), clean)).toEqual([]);
  });

  test('access tokens living 2 seconds: a delegated sync renews (and rotates the refresh token) throughout', async () => {
    const { out, tokenRequests, latest, next } = await shortLived;
    expectNoDuplicates(out);
    expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
    expect(diffViews(viewOf(out.messages), clean)).toEqual([]);
    expect(tokenRequests).toBeGreaterThanOrEqual(2);
    // The last rotated refresh token, persisted through CONTROL, is the one that still works.
    expect(latest).toBeDefined();
    expectNoDuplicates(next!);
    expect({ code: next!.code, errors: traceErrors(next!.messages) }).toEqual({ code: 0, errors: [] });
  });

  test('a refresh token revoked mid-run stops with a config_error carrying the AADSTS code; a new login resumes', async () => {
    const { out, unfired, resumed } = await revoked;
    expect(unfired).toBe('');
    expectNoDuplicates(out, resumed);
    expect(out.code).toBe(1);
    const errors = traceErrors(out.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.failure_type).toBe('config_error');
    expect(errors[0]!.internal_message).toMatch(/AADSTS50173/);
    expect(errors[0]!.stack_trace).toBeUndefined();
    expect(out.stderr).toMatch(/config_error \(fix the input\)/);
    expect(latestStates(out.messages).length).toBeGreaterThan(0);
    expect({ code: resumed.code, errors: traceErrors(resumed.messages) }).toEqual({ code: 0, errors: [] });
    expect(diffViews(viewOf(out.messages, resumed.messages), clean)).toEqual([]);
  });
});
