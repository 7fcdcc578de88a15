import { ConnectorError } from '../errors.js';
import type { ApiCaller, LogFn } from './api-caller.js';
import type { Batch } from './scan-batches.js';
import { openScanResult } from './scan-api.js';
import type { ScanEvent } from './scan-events.js';
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
}

const DOWNLOAD_ATTEMPTS = 3;

/**
 * Downloads and stream-parses one scan result, yielding each requested workspace not yielded
 * before (`yielded` holds lower-cased ids across the whole scan). A body cut short or malformed is
 * downloaded again; workspaces already yielded from the broken copy are not yielded twice.
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
    try {
      const body = await openScanResult(deps.caller, scan.scanId, deps.signal);
      for await (const item of parseScanResult(body)) {
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
        }
      }
      const missing = scan.batch.workspaceIds.filter((id) => !seen.has(id.toLowerCase()));
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

function describe(error: unknown): string {
  if (error instanceof ScanResultFormatError) return `malformed: ${error.message}`;
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${typeof code === 'string' ? code + ': ' : ''}${error.message}`.slice(0, 300);
  }
  return String(error);
}
