import type { ApiCaller } from './api-caller.js';
import type { Clock } from './clock.js';
import type { RequestScheduler } from './rate-limiter.js';
import { getScanStatus, submitScan, type ScanRequestInfo } from './scan-api.js';
import type { ScanOptions } from './scan-events.js';
import { ConnectorError } from '../errors.js';

export type ScanJobOutcome =
  | { kind: 'succeeded'; scanId: string; createdDateTime: string }
  | { kind: 'failed'; scanId: string; error: ScanRequestInfo['error'] }
  /** Not finished within scanTimeoutMs, or scanStatus no longer knows the scan (404). */
  | { kind: 'abandoned'; scanId: string; reason: 'stuck' | 'lost' };

export interface ScanJobDeps {
  caller: ApiCaller;
  scheduler: RequestScheduler;
  clock: Clock;
  options: ScanOptions;
  signal: AbortSignal;
}

/**
 * Submits one scan and polls it until it is Succeeded, Failed or given up, holding one of the
 * scans-in-flight slots meanwhile (Microsoft: wait for a succeeded/failed status before submitting
 * another scan beyond the 16). Other errors (throttling beyond patience, access denied) propagate.
 */
export async function runScanJob(deps: ScanJobDeps, workspaceIds: string[]): Promise<ScanJobOutcome> {
  const release = await deps.scheduler.acquireScanSlot();
  try {
    const scan = await submitScan(deps.caller, workspaceIds, deps.options, deps.signal);
    const createdDateTime = scan.createdDateTime ?? new Date(deps.clock.now()).toISOString();
    return await pollUntilDone(deps, scan.id, createdDateTime);
  } finally {
    release();
  }
}

async function pollUntilDone(
  deps: ScanJobDeps,
  scanId: string,
  createdDateTime: string,
): Promise<ScanJobOutcome> {
  const { pollIntervalMs, scanTimeoutMs } = deps.options;
  const deadline = deps.clock.now() + scanTimeoutMs;
  const maxInterval = Math.max(pollIntervalMs, Math.min(pollIntervalMs * 8, 60_000));
  let interval = pollIntervalMs;
  for (;;) {
    await deps.clock.sleep(Math.min(interval, Math.max(0, deadline - deps.clock.now())), deps.signal);
    let status: ScanRequestInfo;
    try {
      status = await getScanStatus(deps.caller, scanId, deps.signal);
    } catch (error) {
      if (error instanceof ConnectorError && error.httpStatus === 404)
        return { kind: 'abandoned', scanId, reason: 'lost' };
      throw error;
    }
    if (status.status === 'Succeeded') return { kind: 'succeeded', scanId, createdDateTime };
    if (status.status === 'Failed') return { kind: 'failed', scanId, error: status.error };
    if (deps.clock.now() >= deadline) return { kind: 'abandoned', scanId, reason: 'stuck' };
    interval = Math.min(interval * 1.5, maxInterval);
  }
}
