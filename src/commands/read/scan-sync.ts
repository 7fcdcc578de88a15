import type { ConnectorOptions, ScanSettings } from '../../config/options.js';
import type { LineageAnalyser } from '../../lineage/index.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import type { ScanEvent, ScanOptions } from '../../powerbi/scan-events.js';
import { DeferredLineage } from '../../streams/lineage-deferred.js';
import type { ScanWorkspace } from '../../powerbi/scan-types.js';
import type { JsonObject } from '../../protocol/messages.js';
import type { ScanObserver } from '../../streams/api-stream.js';
import {
  isIterable,
  primaryKeyText,
  type MappingContext,
  type ScanBatch,
  type ScanStreamDefinition,
  type StreamRecords,
} from '../../streams/stream.js';
import type { ScanState } from './scan-state.js';
import type { StreamEmitter } from './stream-emitter.js';
import type { SyncPlan } from './sync-plan.js';
import { CompletionWatermark } from './watermark.js';
import { WorkspaceFilter } from './workspace-filter.js';

export interface SelectedStream {
  definition: ScanStreamDefinition;
  emitter: StreamEmitter;
}

export interface ScanSyncInput {
  client: Pick<PowerBiClient, 'scanWorkspaces'>;
  options: ConnectorOptions;
  plan: SyncPlan;
  /** Sorted ids to scan (see listWorkspacesToScan). */
  workspaceIds: string[];
  /** The carried-over parts of the previous state (cursor, lastFullScanAt). */
  previous: ScanState;
  streams: SelectedStream[];
  /** Where tables' M is analysed (worker threads); without one, in this thread. */
  lineageAnalyser?: LineageAnalyser;
  /** Told about every scanned workspace (api streams that need artifact ids). */
  observers?: ScanObserver[];
  log: (level: 'INFO' | 'WARN', message: string) => Promise<void>;
  progress: (done: { workspaces: number; total: number; batchesDone: number; batchesTotal: number }) => void;
}

export interface ScanSyncResult {
  failedWorkspaceIds: string[];
  workspacesScanned: number;
}

function scanOptions(scan: ScanSettings): ScanOptions {
  return {
    lineage: scan.lineage,
    datasourceDetails: scan.datasourceDetails,
    datasetSchema: scan.datasetSchema,
    datasetExpressions: scan.datasetExpressions,
    getArtifactUsers: scan.artifactUsers,
    maxScansInFlight: scan.maxScansInFlight,
    workspacesPerScan: scan.workspacesPerScan,
    pollIntervalMs: scan.pollIntervalSeconds * 1000,
    scanTimeoutMs: scan.scanTimeoutMinutes * 60_000,
  };
}

/** What the mappings of one read share: the tables waiting for their batch, whether columns are traced. */
interface ReadLineage {
  deferred: DeferredLineage;
  /** column_lineage is selected: M is analysed once, with columns, for it and for lineage. */
  columns: boolean;
}

function mappingContext(
  options: ConnectorOptions,
  scannedAt: string,
  read: ReadLineage,
  analyser?: LineageAnalyser,
): MappingContext {
  return {
    scannedAt,
    userIdentifiers: options.privacy.userIdentifiers,
    lineage: {
      enabled: options.scan.datasetExpressions,
      odbcDsnMap: options.lineage.odbcDsnMap,
      deferred: read.deferred,
      columns: read.columns,
      ...(analyser && { analyser }),
    },
  };
}

/** Workspaces whose records are being prepared while earlier ones are written. */
const LOOKAHEAD = 8;

/** A synchronous mapping's records are taken without a promise per record (but the channel's). */
async function emitRecords(emitter: StreamEmitter, records: StreamRecords): Promise<void> {
  if (isIterable(records)) for (const record of records) await emitter.record(record);
  else for await (const record of records) await emitter.record(record);
}

/** A workspace Power BI no longer returns: a tombstone so the destination drops its artifacts. */
function tombstone(id: string): ScanWorkspace {
  return { id, name: null, type: null, state: 'Deleted' };
}

/**
 * Runs the shared scan and feeds every selected stream. Records leave as soon as a workspace is
 * parsed; a STATE for every stream follows each advance of the completed prefix, so a resumed
 * sync re-scans at most the batches that were in flight.
 */
export async function runScanSync(input: ScanSyncInput): Promise<ScanSyncResult> {
  const { options, plan, streams } = input;
  const filter = new WorkspaceFilter(options.workspaces);
  const watermark = new CompletionWatermark(input.workspaceIds);
  const failed = new Set<string>();
  let scanned = 0;

  // A workspace's mappings start when it arrives (lineage hands its M to worker threads then) and
  // its records are written once LOOKAHEAD later workspaces have arrived too, or the batch ends.
  const ahead: { emitter: StreamEmitter; records: StreamRecords }[][] = [];
  // Lineage of tables that need their batch's datasource instances: emitted with the batch.
  const readLineage: ReadLineage = {
    deferred: new DeferredLineage(),
    columns: streams.some(({ definition }) => definition.name === 'column_lineage'),
  };
  const startWorkspace = (workspace: ScanWorkspace, scannedAt: string): void => {
    const treatment = filter.treat(workspace);
    if (treatment === 'skip') return;
    const ctx = mappingContext(options, scannedAt, readLineage, input.lineageAnalyser);
    ahead.push(
      streams.flatMap(({ definition, emitter }) => {
        if (!definition.fromWorkspace) return [];
        if (treatment === 'workspace-record-only' && definition.name !== 'workspaces') return [];
        return [{ emitter, records: definition.fromWorkspace(workspace, ctx) }];
      }),
    );
  };
  const emitStarted = async (keep: number): Promise<void> => {
    while (ahead.length > keep) {
      for (const { emitter, records } of ahead.shift() ?? []) await emitRecords(emitter, records);
    }
  };
  const emitWorkspace = async (workspace: ScanWorkspace, scannedAt: string): Promise<void> => {
    startWorkspace(workspace, scannedAt);
    await emitStarted(0);
  };

  // Tenant-level rows (datasources) come with every batch that uses them: emit each once per sync.
  const emittedBatchKeys = new Map<string, Set<string>>();
  const emitBatch = async (batch: ScanBatch, scannedAt: string): Promise<void> => {
    const ctx = mappingContext(options, scannedAt, readLineage, input.lineageAnalyser);
    for (const { definition, emitter } of streams) {
      if (!definition.fromBatch) continue;
      const seen = emittedBatchKeys.get(definition.name) ?? new Set<string>();
      emittedBatchKeys.set(definition.name, seen);
      const keyFields = definition.primaryKey.map(([field]) => field!);
      for await (const record of definition.fromBatch(batch, ctx)) {
        const key = primaryKeyText(record, keyFields);
        if (seen.has(key)) continue;
        seen.add(key);
        await emitter.record(record);
      }
    }
  };

  // Workspaces that failed last time and this sync has not reached yet: a resume must still scan them.
  const retriesNotYetScanned = (): string[] => {
    const done = watermark.doneThroughId;
    return plan.retryWorkspaceIds
      .map((id) => id.toLowerCase())
      .filter((id) => done === undefined || id > done);
  };

  const checkpoint = async (): Promise<void> => {
    const state: ScanState = {
      ...input.previous,
      retryWorkspaceIds: [...new Set([...retriesNotYetScanned(), ...failed])],
      pending: {
        syncStartedAt: plan.syncStartedAt.toISOString(),
        mode: plan.mode,
        ...(plan.modifiedSince && { modifiedSince: plan.modifiedSince.toISOString() }),
        ...(watermark.doneThroughId && { doneThroughId: watermark.doneThroughId }),
      },
    };
    if (state.retryWorkspaceIds?.length === 0) delete state.retryWorkspaceIds;
    for (const { emitter } of streams) await emitter.state(state as unknown as JsonObject);
  };

  // After the first batch, its records per workspace extrapolate to the whole sync (ESTIMATE).
  let estimated = false;
  const estimate = async (): Promise<void> => {
    estimated = true;
    if (scanned === 0) return;
    const factor = input.workspaceIds.length / scanned;
    for (const { emitter } of streams) await emitter.estimate(emitter.recordCount * factor);
  };

  const handle = async (event: ScanEvent): Promise<void> => {
    if (event.kind !== 'workspace' && event.kind !== 'progress') await emitStarted(0);
    switch (event.kind) {
      case 'workspace':
        scanned += 1;
        for (const observer of input.observers ?? []) observer.onWorkspace(event.workspace, event.scannedAt);
        startWorkspace(event.workspace, event.scannedAt);
        await emitStarted(LOOKAHEAD);
        return;
      case 'batch-complete':
        if (!estimated) await estimate();
        for (const id of event.missingWorkspaceIds) await emitWorkspace(tombstone(id), event.scannedAt);
        await emitBatch(event, event.scannedAt);
        for (const observer of input.observers ?? []) observer.onBatch?.(event, event.scannedAt);
        if (watermark.complete([...event.workspaceIds, ...event.missingWorkspaceIds])) await checkpoint();
        return;
      case 'workspace-failed':
        failed.add(event.workspaceId);
        await input.log(
          'WARN',
          `Workspace ${event.workspaceId} could not be scanned (${event.error.message}); the next sync scans it again.`,
        );
        if (watermark.complete([event.workspaceId])) await checkpoint();
        return;
      case 'progress':
        input.progress({
          workspaces: event.workspacesDone,
          total: input.workspaceIds.length,
          batchesDone: event.batchesDone,
          batchesTotal: event.batchesTotal,
        });
        return;
    }
  };

  if (input.workspaceIds.length > 0) {
    for await (const event of input.client.scanWorkspaces(input.workspaceIds, scanOptions(options.scan)))
      await handle(event);
    await emitStarted(0);
  }
  return { failedWorkspaceIds: [...failed], workspacesScanned: scanned };
}
