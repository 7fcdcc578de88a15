import { ConnectorError, systemError } from '../errors.js';
import type { ApiCaller, LogFn } from './api-caller.js';
import type { Batch } from './scan-batches.js';
import { openScanResult } from './scan-api.js';
import type { ScanEvent } from './scan-events.js';
import { DEFAULT_SCAN_RESULT_LIMITS, type ScanResultLimits } from './limits.js';
import { parseScanResult, ScanResultFormatError } from './scan-result-parser.js';
import type { ScanDatasourceInstance } from './scan-types.js';

export type DownloadResult =
  | { kind: 'complete'; event: Extract<ScanEvent, { kind: 'batch-complete' }> }
  /** Expired (404) or unreadable after several downloads: the batch must be scanned again. */
  | { kind: 'rescan'; reason: string };

export interface DownloadDeps {
  caller: ApiCaller;
  log: LogFn;
  signal?: AbortSignal;
  /** Limits per element of the result (default DEFAULT_SCAN_RESULT_LIMITS). */
  scanResultLimits?: ScanResultLimits;
}

const DOWNLOAD_ATTEMPTS = 3;

/**
 * Downloads and stream-parses one scan result, yielding each requested workspace not yielded
 * before (`yielded` holds lower-cased ids across the whole scan). A body cut short or malformed is
 * downloaded again; workspaces already yielded from the broken copy are not yielded twice.
 * A workspace over a limit (too big, too deep, a huge string) is yielded as `workspace-failed`, like a
 * workspace that cannot be scanned: the others carry on and the next sync scans it again. When such
 * a workspace has no readable id, the batch's workspaces missing from the result are failed too
 * instead of being taken as deleted.
 */
export async function* downloadBatch(
  deps: DownloadDeps,
  scan: { batch: Batch; scanId: string; createdDateTime: string },
  yielded: Set<string>,
): AsyncGenerator<ScanEvent, DownloadResult> {
  // Lower-cased id -> the batch's own copy. `yielded` lives for the whole scan: it must hold that
  // copy, not the parsed id, which can be a slice that keeps a whole downloaded chunk in memory.
  const requested = new Map(
    scan.batch.workspaceIds.map((id) => {
      const key = id.toLowerCase();
      return [key, key];
    }),
  );
  let lastProblem = '';
  for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt += 1) {
    const seen = new Set<string>();
    const instances: ScanDatasourceInstance[] = [];
    const misconfigured: ScanDatasourceInstance[] = [];
    const unattributed: string[] = [];
    try {
      const body = await openScanResult(deps.caller, scan.scanId, deps.signal);
      for await (const item of parseScanResult(body, deps.scanResultLimits ?? DEFAULT_SCAN_RESULT_LIMITS)) {
        switch (item.kind) {
          case 'workspace': {
            const key = item.workspace.id.toLowerCase();
            seen.add(key);
            const own = requested.get(key);
            if (own === undefined || yielded.has(key)) {
              if (own === undefined)
                deps.log('debug', `${scan.batch.id}: ignoring unrequested workspace ${key}`);
              break;
            }
            yielded.add(own);
            yield {
              kind: 'workspace',
              batchId: scan.batch.id,
              scannedAt: scan.createdDateTime,
              workspace: item.workspace,
            };
            break;
          }
          case 'datasource-instance':
            (item.misconfigured ? misconfigured : instances).push(item.instance);
            break;
          case 'malformed':
            deps.log('warn', `${scan.batch.id}: skipped an element of ${item.array}: ${item.detail}`);
            break;
          case 'over-limit': {
            const key = item.array === 'workspaces' ? item.id?.toLowerCase() : undefined;
            const own = key === undefined ? undefined : requested.get(key);
            if (key === undefined || own === undefined) {
              deps.log(
                'warn',
                `${scan.batch.id}: skipped an element of ${item.array} over a limit: ${item.detail}`,
              );
              if (item.array === 'workspaces') unattributed.push(item.detail);
              break;
            }
            seen.add(key);
            if (yielded.has(key)) break;
            yielded.add(own);
            yield overLimitEvent(originalId(scan.batch.workspaceIds, key), item.detail);
            break;
          }
        }
      }
      let missing = scan.batch.workspaceIds.filter((id) => !seen.has(id.toLowerCase()));
      if (unattributed.length > 0) {
        // A workspace over a limit whose id could not be read may be any of the missing ones: none
        // of them is taken as deleted; each is failed and scanned again by the next sync.
        for (const id of missing) {
          const key = id.toLowerCase();
          if (yielded.has(key)) continue;
          yielded.add(requested.get(key) ?? key);
          yield overLimitEvent(id, `${unattributed[0] ?? ''} (in a workspace whose id could not be read)`);
        }
        missing = [];
      }
      return {
        kind: 'complete',
        event: {
          kind: 'batch-complete',
          batchId: scan.batch.id,
          scanId: scan.scanId,
          workspaceIds: [...scan.batch.workspaceIds],
          missingWorkspaceIds: missing,
          scannedAt: scan.createdDateTime,
          datasourceInstances: instances,
          misconfiguredDatasourceInstances: misconfigured,
        },
      };
    } catch (error) {
      if (error instanceof ConnectorError && error.httpStatus === 404)
        return { kind: 'rescan', reason: 'expired (404)' };
      if (error instanceof ConnectorError || deps.signal?.aborted) throw error;
      lastProblem = describe(error);
      deps.log('warn', `${scan.batch.id}: scan result download ${attempt} broke off (${lastProblem})`);
    }
  }
  return { kind: 'rescan', reason: `unreadable after ${DOWNLOAD_ATTEMPTS} downloads (${lastProblem})` };
}

function originalId(ids: readonly string[], key: string): string {
  return ids.find((id) => id.toLowerCase() === key) ?? key;
}

function overLimitEvent(workspaceId: string, detail: string): ScanEvent {
  return {
    kind: 'workspace-failed',
    workspaceId,
    error: systemError(
      `its part of the scan result is over a limit on what the connector reads (${detail}) and was skipped ` +
        'instead of being read into memory',
      { internalMessage: `scan result workspace ${workspaceId}: ${detail}` },
    ),
  };
}

function describe(error: unknown): string {
  if (error instanceof ScanResultFormatError) return `malformed: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${typeof code === 'string' ? code + ': ' : ''}${error.message}`.slice(0, 300);
  }
  return String(error);
}
