import type { ConnectorError } from '../errors.js';
import type { ScanDatasourceInstance, ScanWorkspace } from './scan-types.js';

export interface ScanOptions {
  lineage: boolean;
  datasourceDetails: boolean;
  datasetSchema: boolean;
  datasetExpressions: boolean;
  getArtifactUsers: boolean;
  /** Scans submitted and not yet Succeeded/Failed, at most 16 (Microsoft's limit). */
  maxScansInFlight: number;
  /** Workspace ids per getInfo call, 1..100. */
  workspacesPerScan: number;
  /** First scanStatus poll delay; later polls back off (x1.5) up to min(8x, 60 s). */
  pollIntervalMs: number;
  /** A scan not Succeeded/Failed after this long is abandoned and resubmitted. */
  scanTimeoutMs: number;
}

export type ScanEvent =
  /** One workspace of a scan result, as soon as it is parsed. Each workspace id is yielded at most once. */
  | {
      kind: 'workspace';
      batchId: string;
      /** ISO time the scan was created. */ scannedAt: string;
      workspace: ScanWorkspace;
    }
  /**
   * Every id of the batch is done (yielded now or earlier, or absent from the result: see
   * missingWorkspaceIds). Safe point for a checkpoint.
   */
  | {
      kind: 'batch-complete';
      batchId: string;
      scanId: string;
      workspaceIds: string[];
      /** Requested but not in the scan result (deleted or unknown to Power BI). */
      missingWorkspaceIds: string[];
      /** ISO time the scan was created (getInfo's createdDateTime). */
      scannedAt: string;
      datasourceInstances: ScanDatasourceInstance[];
      misconfiguredDatasourceInstances: ScanDatasourceInstance[];
    }
  /**
   * The workspace could not be scanned even alone and after a retry, or its part of a scan result is
   * over a limit (src/powerbi/limits.ts); the others carry on.
   */
  | { kind: 'workspace-failed'; workspaceId: string; error: ConnectorError }
  | { kind: 'progress'; batchesDone: number; batchesTotal: number; workspacesDone: number };
