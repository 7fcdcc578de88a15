import { DAY, HOUR } from '../clock.js';
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

/** Refresh history of a dataset, newest first; the newest may still be running (status Unknown). */
export function refreshHistory(seed: number, datasetId: string, now: number, top = 60): Refresh[] {
  const rng = rngFrom(seed, 'refreshes', datasetId);
  const count = rng.int(0, 12);
  const result: Refresh[] = [];
  let at = now - rng.int(1, 20) * HOUR;
  for (let i = 0; i < count && result.length < top; i++) {
    const start = at;
    const end = start + rng.int(5, 600) * 1000;
    const running = i === 0 && end > now;
    const failed = !running && rng.chance(0.15);
    const refresh: Refresh = {
      requestId: uuidFor(seed, 'refresh', datasetId, i),
      refreshType: rng.pick(['Scheduled', 'Scheduled', 'OnDemand', 'ViaApi', 'ViaEnhancedApi']),
      startTime: new Date(start).toISOString(),
      status: running ? 'Unknown' : failed ? 'Failed' : 'Completed',
    };
    if (!running) {
      refresh.endTime = new Date(end).toISOString();
      const exception = failed ? '{"errorCode":"ModelRefreshFailed_CredentialsNotSpecified"}' : undefined;
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
    }
    result.push(refresh);
    at -= rng.int(6, 36) * HOUR + rng.next() * DAY;
  }
  return result;
}
