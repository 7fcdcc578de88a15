import { DAY, HOUR, MINUTE } from '../clock.js';
import { rngFrom, uuidFor } from '../random.js';

export interface Refresh {
  requestId: string;
  refreshType: string;
  startTime: string;
  endTime?: string;
  serviceExceptionJson?: string;
  status: 'Unknown' | 'Completed' | 'Failed' | 'Disabled';
  refreshAttempts?: {
    attemptId: number;
    startTime: string;
    endTime?: string;
    serviceExceptionJson?: string;
    type: 'Data' | 'Query';
  }[];
}

export interface DataflowTransaction {
  id: string;
  refreshType: string;
  startTime: string;
  endTime?: string;
  status: string;
}

/** One refresh run at a fixed instant: the same run is reported identically whenever it is asked for. */
interface Run {
  slot: number;
  start: number;
  end: number;
  failed: boolean;
  refreshType: string;
  errorCode: string;
}

const ERROR_CODES = [
  'ModelRefreshFailed_CredentialsNotSpecified',
  'DM_GWPipeline_Gateway_DataSourceAccessError',
  'ModelRefresh_ShortMessage_ProcessingError',
];

/** History Power BI keeps: 20-60 entries, the most recent 60 if they are all under 3 days old. */
const KEEP_RECENT = 60;
const KEEP_OLD = 20;

/**
 * Refresh runs of an artifact, newest first, at absolute instants (a schedule with a fixed interval
 * and phase per artifact, some slots skipped), so history grows as the clock moves and old runs
 * keep their ids and times. Only runs started at or before `now` exist; the newest may still run.
 */
function runs(seed: number, artifactId: string, now: number, top: number): Run[] {
  const rng = rngFrom(seed, 'refreshes', artifactId);
  if (rng.chance(0.15)) return []; // never refreshed
  const interval = rng.pick([4, 6, 8, 12, 24, 24, 48]) * HOUR;
  const phase = rng.int(0, Math.floor(interval / MINUTE) - 1) * MINUTE;
  const result: Run[] = [];
  for (let slot = Math.floor((now - phase) / interval); result.length < top && slot >= 0; slot--) {
    const nominal = slot * interval + phase;
    const old = result.length >= KEEP_OLD && nominal < now - 3 * DAY;
    if (old || nominal < now - 30 * DAY) break;
    const r = rngFrom(seed, 'refresh-run', artifactId, slot);
    if (r.chance(0.1)) continue;
    const start = nominal + r.int(1, 300) * 1000;
    if (start > now) continue;
    result.push({
      slot,
      start,
      end: start + r.int(5, 900) * 1000,
      failed: r.chance(0.15),
      refreshType: r.pick(['Scheduled', 'Scheduled', 'Scheduled', 'OnDemand', 'ViaApi', 'ViaEnhancedApi']),
      errorCode: r.pick(ERROR_CODES),
    });
  }
  return result;
}

/** GET .../datasets/{id}/refreshes: newest first; a run still going has status Unknown and no endTime. */
export function refreshHistory(seed: number, datasetId: string, now: number, top = KEEP_RECENT): Refresh[] {
  return runs(seed, datasetId, now, Math.min(top, KEEP_RECENT)).map((run) => {
    const refresh: Refresh = {
      requestId: uuidFor(seed, 'refresh', datasetId, run.slot),
      refreshType: run.refreshType,
      startTime: new Date(run.start).toISOString(),
      status: run.end > now ? 'Unknown' : run.failed ? 'Failed' : 'Completed',
    };
    if (run.end > now) return refresh;
    refresh.endTime = new Date(run.end).toISOString();
    const exception = run.failed ? JSON.stringify({ errorCode: run.errorCode }) : undefined;
    if (exception) refresh.serviceExceptionJson = exception;
    refresh.refreshAttempts = [
      {
        attemptId: 1,
        startTime: refresh.startTime,
        endTime: refresh.endTime,
        type: 'Data',
        ...(exception ? { serviceExceptionJson: exception } : {}),
      },
    ];
    return refresh;
  });
}

/**
 * GET .../dataflows/{id}/transactions: id "<start>@<uuid>$<n>" like Microsoft's example. The
 * status words are not documented (I): Success, Failed, InProgress here.
 */
export function dataflowTransactions(
  seed: number,
  dataflowId: string,
  now: number,
  top = KEEP_RECENT,
): DataflowTransaction[] {
  return runs(seed, dataflowId, now, Math.min(top, KEEP_RECENT)).map((run) => {
    const startTime = new Date(run.start).toISOString();
    const transaction: DataflowTransaction = {
      id: `${startTime}@${uuidFor(seed, 'transaction', dataflowId, run.slot)}$1`,
      refreshType: run.refreshType === 'Scheduled' ? 'Scheduled' : 'OnDemand',
      startTime,
      status: run.end > now ? 'InProgress' : run.failed ? 'Failed' : 'Success',
    };
    if (run.end <= now) transaction.endTime = new Date(run.end).toISOString();
    return transaction;
  });
}

/** Datasets that Power BI refreshes: not push/streaming and not DirectQuery-only. */
export function isRefreshableDataset(contentProviderType: string | undefined): boolean {
  return contentProviderType !== 'RealTime' && contentProviderType !== 'PbixInDirectQueryMode';
}
