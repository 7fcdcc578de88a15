/**
 * The benchmark's own fetch of the scan results (the input of the CPU limit) polls scanStatus as
 * the connector does, so it stays inside the 10,000-an-hour budget at any scan duration: it used to
 * poll every 50 ms, ~400 calls per 20 s scan.
 */
import { pollPlan, scanBatches } from '../../scripts/bench/api-budget.js';
import { fetchScanResults } from '../../scripts/bench/scan-bytes.js';
import { startSimulator, type Simulator } from '../../simulator/index.js';

const SCAN_MS = 600;
const POLL_S = 0.1;
let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ workspaces: 150, scanDurationMs: SCAN_MS });
});

afterAll(async () => {
  await sim.close();
});

test('one scan per 100 workspaces, each polled no more often than the connector would', async () => {
  const before = sim.stats().requests;
  const bodies = await fetchScanResults(sim, POLL_S);
  const after = sim.stats().requests;
  const calls = (endpoint: 'getInfo' | 'scanStatus' | 'scanResult') =>
    (after[endpoint] ?? 0) - (before[endpoint] ?? 0);

  const scanned = bodies.flatMap(
    (body) => (JSON.parse(body.toString('utf8')) as { workspaces: unknown[] }).workspaces,
  );
  const batches = scanBatches(scanned.length);
  expect(bodies).toHaveLength(batches);
  expect(calls('getInfo')).toBe(batches);
  expect(calls('scanResult')).toBe(batches);
  // Polls at 0.1, 0.25, 0.475, 0.8 s: the scan (0.6 s) is seen at the 4th poll, or earlier if a
  // timer fired late; never more.
  expect(calls('scanStatus')).toBeGreaterThanOrEqual(batches);
  expect(calls('scanStatus')).toBeLessThanOrEqual(batches * pollPlan(POLL_S, SCAN_MS / 1000).polls);
});
