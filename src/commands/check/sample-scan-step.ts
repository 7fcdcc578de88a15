import type { ScanSettings } from '../../config/options.js';
import type { ConnectorError } from '../../errors.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import type { ScanOptions } from '../../powerbi/scan-events.js';
import type { ScanWorkspace } from '../../powerbi/scan-types.js';
import { addWorkspace, emptyEvidence, type ScanEvidence } from './scan-evidence.js';

/** First scanStatus poll at most this far apart: a test scan of a few workspaces is quick. */
const MAX_POLL_INTERVAL_MS = 2_000;

/**
 * Every flag on, whatever the config says, so the scan shows what the tenant settings allow. One
 * batch for all ids: a single getInfo call. The scan timeout is the check's own deadline, so a slow
 * scan is never submitted twice.
 */
export function sampleScanOptions(
  scan: ScanSettings,
  ids: readonly string[],
  timeoutMs: number,
): ScanOptions {
  return {
    lineage: true,
    datasourceDetails: true,
    datasetSchema: true,
    datasetExpressions: true,
    getArtifactUsers: true,
    maxScansInFlight: 1,
    workspacesPerScan: Math.max(1, Math.min(ids.length, 100)),
    pollIntervalMs: Math.min(scan.pollIntervalSeconds * 1000, MAX_POLL_INTERVAL_MS),
    scanTimeoutMs: timeoutMs,
  };
}

/** Scans the sample once and tallies tables and expressions; fails only if no workspace could be scanned. */
export async function scanSample(
  client: Pick<PowerBiClient, 'scanWorkspaces'>,
  ids: readonly string[],
  options: ScanOptions,
  onWorkspace?: (workspace: ScanWorkspace) => void,
): Promise<ScanEvidence> {
  let evidence = emptyEvidence();
  let firstFailure: ConnectorError | undefined;
  for await (const event of client.scanWorkspaces(ids, options)) {
    if (event.kind === 'workspace') {
      evidence = addWorkspace(evidence, event.workspace);
      onWorkspace?.(event.workspace);
    }
    if (event.kind === 'workspace-failed') firstFailure ??= event.error;
  }
  if (evidence.workspaces === 0 && firstFailure) throw firstFailure;
  return evidence;
}
