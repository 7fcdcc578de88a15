import type { Readable } from 'node:stream';
import { systemError } from '../errors.js';
import type { ApiCaller } from './api-caller.js';
import { cut, MAX_VENDOR_CODE_CHARS, MAX_VENDOR_MESSAGE_CHARS } from './api-error-body.js';
import { isObject, stringField } from './json-shapes.js';
import type { ScanOptions } from './scan-events.js';

export interface ScanRequestInfo {
  id: string;
  createdDateTime?: string;
  /** NotStarted | Running | Succeeded | Failed (a plain string in Microsoft's schema). */
  status: string;
  error?: { code?: string; message?: string };
}

type ScanFlags = Pick<
  ScanOptions,
  'lineage' | 'datasourceDetails' | 'datasetSchema' | 'datasetExpressions' | 'getArtifactUsers'
>;

/** POST admin/workspaces/getInfo (202 + ScanRequest). Repeatable: a duplicate scan is only a wasted read. */
export async function submitScan(
  caller: ApiCaller,
  workspaceIds: string[],
  flags: ScanFlags,
  signal?: AbortSignal,
): Promise<ScanRequestInfo> {
  const response = await caller.json({
    endpoint: 'getInfo',
    method: 'POST',
    path: 'admin/workspaces/getInfo',
    query: {
      lineage: flags.lineage,
      datasourceDetails: flags.datasourceDetails,
      datasetSchema: flags.datasetSchema,
      datasetExpressions: flags.datasetExpressions,
      getArtifactUsers: flags.getArtifactUsers,
    },
    body: { workspaces: workspaceIds },
    repeatable: true,
    signal,
  });
  return readScanRequest(response.data, 'getInfo');
}

/** GET admin/workspaces/scanStatus/{scanId}. */
export async function getScanStatus(
  caller: ApiCaller,
  scanId: string,
  signal?: AbortSignal,
): Promise<ScanRequestInfo> {
  const response = await caller.json({
    endpoint: 'scanStatus',
    method: 'GET',
    path: `admin/workspaces/scanStatus/${encodeURIComponent(scanId)}`,
    signal,
  });
  return readScanRequest(response.data, 'scanStatus');
}

/** GET admin/workspaces/scanResult/{scanId} as a byte stream (parse it with parseScanResult). */
export async function openScanResult(
  caller: ApiCaller,
  scanId: string,
  signal?: AbortSignal,
): Promise<Readable> {
  const response = await caller.stream({
    endpoint: 'scanResult',
    method: 'GET',
    path: `admin/workspaces/scanResult/${encodeURIComponent(scanId)}`,
    signal,
  });
  return response.data;
}

function readScanRequest(data: unknown, endpoint: string): ScanRequestInfo {
  const id = isObject(data) ? stringField(data, 'id') : undefined;
  if (!isObject(data) || !id) {
    throw systemError(`Power BI answered ${endpoint} without a scan id.`, {
      internalMessage: `${endpoint} body: ${JSON.stringify(data)?.slice(0, 200)}`,
    });
  }
  const error = data.error;
  // The scan's error goes into log lines: cut like any error message from the server.
  const cutField = (value: string | undefined, max: number) =>
    value === undefined ? undefined : cut(value, max);
  return {
    id: cut(id, MAX_VENDOR_CODE_CHARS),
    createdDateTime: cutField(stringField(data, 'createdDateTime'), 40),
    status: cutField(stringField(data, 'status'), 40) ?? 'Unknown',
    ...(isObject(error)
      ? {
          error: {
            code: cutField(stringField(error, 'code'), MAX_VENDOR_CODE_CHARS),
            message: cutField(stringField(error, 'message'), MAX_VENDOR_MESSAGE_CHARS),
          },
        }
      : {}),
  };
}
