/**
 * Authentication faults mid-run, end to end: access tokens that expire while the sync runs (the
 * simulated clock jumps past their lifetime, or they live only seconds) and a refresh token revoked
 * by an administrator in the middle of a delegated sync.
 */
import { jest } from '@jest/globals';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { diffViews, type View } from '../helpers/destination.js';
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

const SCAN = { poll_interval_seconds: 0.05, workspaces_per_scan: 10, max_scans_in_flight: 2 };
const catalog = catalogFor('incremental');
const isState = (m: Message) => m.type === 'STATE';

function controlConfigs(messages: Message[]): Record<string, unknown>[] {
  return messages
    .filter((m) => m.type === 'CONTROL')
    .map(
      (m) => (m.control as { connectorConfig: { config: Record<string, unknown> } }).connectorConfig.config,
    );
}

describe('authentication faults mid-run', () => {
  const sims: Simulator[] = [];
  const checked: { out: RunOutput; secrets: string[] }[] = [];

  const start = async (options: Parameters<typeof startSimulator>[0]) => {
    const sim = await startSimulator({ seed: 9, workspaces: 40, scanDurationMs: 100, ...options });
    sims.push(sim);
    return sim;
  };
  const read = async (config: Record<string, unknown>, state?: unknown, onMessage?: (m: Message) => void) => {
    const out = await runRead(config, catalog, state, onMessage);
    checked.push({ out, secrets: configSecrets(config as { credentials: Record<string, string> }) });
    expect(duplicateKeys(out.messages)).toEqual({});
    return out;
  };
  const cleanView = async (config: Record<string, unknown>): Promise<View> => {
    const out = await read(config);
    expect(out.code).toBe(0);
    return viewOf(out.messages);
  };

  afterAll(async () => {
    for (const sim of sims) await sim.close();
    expect(checked.flatMap(({ out, secrets }) => findLeaks(out, secrets))).toEqual([]);
  });

  test('the simulated clock jumping an hour mid-run: every cached token is rejected as expired and renewed', async () => {
    const sim = await start({ latencyMs: 20 });
    const config = { ...sim.config, scan: SCAN };
    const clean = await cleanView(config);
    let jumped = false;
    const before = sim.stats().tokenRequests;
    const out = await read(config, undefined, (m) => {
      if (!jumped && isState(m)) {
        jumped = true;
        sim.advanceClock(65 * 60_000);
      }
    });
    expect(jumped).toBe(true);
    expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
    expect(sim.stats().tokenRequests - before).toBeGreaterThanOrEqual(2);
    expect(diffViews(viewOf(out.messages), clean)).toEqual([]);
  });

  test('access tokens living 2 seconds: a delegated sync renews (and rotates the refresh token) throughout', async () => {
    const sim = await start({ tokenLifetimeSeconds: 2, latencyMs: 30 });
    const clean = await cleanView({ ...sim.configFor('oauth2_refresh_token'), scan: SCAN });
    const config = { ...sim.configFor('oauth2_refresh_token'), scan: SCAN };
    const before = sim.stats().tokenRequests;
    const out = await read(config);
    expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
    expect(diffViews(viewOf(out.messages), clean)).toEqual([]);
    expect(sim.stats().tokenRequests - before).toBeGreaterThanOrEqual(2);
    // The last rotated refresh token, persisted through CONTROL, is the one that still works.
    const latest = controlConfigs(out.messages).at(-1);
    expect(latest).toBeDefined();
    const next = await read({ ...latest, scan: SCAN }, latestStates(out.messages));
    expect({ code: next.code, errors: traceErrors(next.messages) }).toEqual({ code: 0, errors: [] });
    checked.push({ out, secrets: configSecrets(latest as { credentials: Record<string, string> }) });
  });

  test('a refresh token revoked mid-run stops with a config_error carrying the AADSTS code; a new login resumes', async () => {
    const sim = await start({ latencyMs: 20 });
    const clean = await cleanView({ ...sim.configFor('oauth2_refresh_token'), scan: SCAN });
    const config = { ...sim.configFor('oauth2_refresh_token'), scan: SCAN };
    let revoked = false;
    const out = await read(config, undefined, (m) => {
      if (!revoked && isState(m)) {
        revoked = true;
        sim.entra.revokeRefreshTokens();
        sim.faults.script({ kind: 'token-expiry' });
      }
    });
    sim.faults.assertAllConsumed();
    expect(out.code).toBe(1);
    const errors = traceErrors(out.messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.failure_type).toBe('config_error');
    expect(errors[0]!.internal_message).toMatch(/AADSTS50173/);
    expect(errors[0]!.stack_trace).toBeUndefined();
    expect(out.stderr).toMatch(/config_error \(fix the input\)/);
    const states = latestStates(out.messages);
    expect(states.length).toBeGreaterThan(0);
    const relogin = { ...sim.configFor('oauth2_refresh_token'), scan: SCAN };
    const resumed = await read(relogin, states);
    expect({ code: resumed.code, errors: traceErrors(resumed.messages) }).toEqual({ code: 0, errors: [] });
    expect(diffViews(viewOf(out.messages, resumed.messages), clean)).toEqual([]);
  });
});
