import { setMaxListeners } from 'node:events';
import { systemError } from '../errors.js';
import type { ApiCaller, LogFn } from './api-caller.js';
import type { Clock } from './clock.js';
import { MAX_SCANS_IN_FLIGHT, MAX_WORKSPACES_PER_SCAN } from './endpoints.js';
import type { RequestScheduler } from './rate-limiter.js';
import { makeBatches, stepAfterFailure, uniqueIds, type Batch } from './scan-batches.js';
import type { ScanEvent, ScanOptions } from './scan-events.js';
import { runScanJob, type ScanJobOutcome } from './scan-job.js';
import { downloadBatch, type DownloadResult } from './scan-download.js';
import type { ScanResultLimits } from './limits.js';

export interface ScannerDeps {
  caller: ApiCaller;
  scheduler: RequestScheduler;
  clock: Clock;
  log: LogFn;
  signal?: AbortSignal;
  /** Limits per workspace of a scan result (default DEFAULT_SCAN_RESULT_LIMITS). */
  scanResultLimits?: ScanResultLimits;
}

/** Scans abandoned (stuck, lost, expired, unreadable) per batch before it counts as a failed scan. */
const MAX_RESUBMITS = 2;

interface Succeeded {
  batch: Batch;
  scanId: string;
  createdDateTime: string;
}

/**
 * Scans the workspaces in batches with up to maxScansInFlight scans submitted and polled at once,
 * downloads one result at a time and yields its workspaces as they are parsed (the consumer's pace
 * drives the download). See ScanEvent for the guarantees.
 */
export async function* scanWorkspaces(
  deps: ScannerDeps,
  ids: readonly string[],
  options: ScanOptions,
): AsyncGenerator<ScanEvent> {
  validateOptions(options);
  const pool = new ScanPool(deps, options, makeBatches(uniqueIds(ids), options.workspacesPerScan));
  try {
    pool.fill();
    for (;;) {
      const next = pool.takeNext();
      if (next === 'idle') {
        await pool.changed();
        continue;
      }
      if (next === 'done') return;
      if (next.kind === 'failed-workspace') {
        yield next.event;
        yield pool.progress();
        continue;
      }
      const result: DownloadResult = yield* downloadBatch(deps, next.value, pool.yielded);
      if (result.kind === 'complete') {
        pool.completed(next.value.batch);
        yield result.event;
        yield pool.progress();
      } else {
        deps.log('warn', `${next.value.batch.id}: scan result ${result.reason}; submitting the scan again`);
        pool.abandoned(next.value.batch);
      }
    }
  } finally {
    pool.stop();
  }
}

type Next =
  | 'idle'
  | 'done'
  | { kind: 'download'; value: Succeeded }
  | { kind: 'failed-workspace'; event: Extract<ScanEvent, { kind: 'workspace-failed' }> };

/** Keeps up to maxScansInFlight scans running (independently of the consumer's pace) and queues their outcomes. */
class ScanPool {
  readonly yielded = new Set<string>();
  private readonly pending: Batch[];
  private readonly ready: Succeeded[] = [];
  private readonly failedEvents: Array<Extract<ScanEvent, { kind: 'workspace-failed' }>> = [];
  private readonly abort = new AbortController();
  private readonly signal: AbortSignal;
  private running = 0;
  private fatal: Error | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private batchesTotal: number;
  private batchesDone = 0;
  private workspacesDone = 0;

  constructor(
    private readonly deps: ScannerDeps,
    private readonly options: ScanOptions,
    batches: Batch[],
  ) {
    this.pending = batches;
    this.batchesTotal = batches.length;
    this.signal = deps.signal ? AbortSignal.any([deps.signal, this.abort.signal]) : this.abort.signal;
    // Every scan in flight listens on it (its poll sleep, its HTTP request).
    setMaxListeners(4 * MAX_SCANS_IN_FLIGHT + 8, this.signal);
  }

  /** Starts scans while slots are free; keeps at most maxScansInFlight results waiting for download. */
  fill(): void {
    while (
      !this.stopped &&
      this.running < this.options.maxScansInFlight &&
      this.ready.length < this.options.maxScansInFlight &&
      this.pending.length > 0
    ) {
      const batch = this.pending.shift() as Batch;
      this.running += 1;
      runScanJob({ ...this.deps, options: this.options, signal: this.signal }, batch.workspaceIds).then(
        (outcome) => this.settle(batch, outcome),
        (error: unknown) => this.settle(batch, error),
      );
    }
  }

  /** Already-succeeded results are still handed out after a fatal error, so their batches complete. */
  takeNext(): Next {
    const failed = this.failedEvents.shift();
    if (failed) {
      this.workspacesDone += 1;
      return { kind: 'failed-workspace', event: failed };
    }
    const ready = this.ready.shift();
    if (ready) {
      this.fill();
      return { kind: 'download', value: ready };
    }
    if (this.fatal !== undefined) throw this.fatal;
    if (this.running === 0 && this.pending.length === 0) return 'done';
    return 'idle';
  }

  changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  completed(batch: Batch): void {
    this.batchesDone += 1;
    this.workspacesDone += batch.workspaceIds.length;
  }

  /** The result could not be downloaded: scan again (or, after MAX_RESUBMITS, treat as failed). */
  abandoned(batch: Batch): void {
    this.requeueAbandoned(batch);
    this.fill();
  }

  progress(): ScanEvent {
    return {
      kind: 'progress',
      batchesDone: this.batchesDone,
      batchesTotal: this.batchesTotal,
      workspacesDone: this.workspacesDone,
    };
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort(new Error('scan stopped'));
  }

  private settle(batch: Batch, outcome: unknown): void {
    this.running -= 1;
    if (this.stopped) return;
    if (isOutcome(outcome)) this.apply(batch, outcome);
    else {
      // Submit nothing more and drop the scans in flight; a rerun resumes from the last complete batch.
      this.fatal = outcome instanceof Error ? outcome : new Error(`scan job failed: ${String(outcome)}`);
      this.stop();
    }
    this.fill();
    this.wake?.();
  }

  private apply(batch: Batch, outcome: ScanJobOutcome): void {
    switch (outcome.kind) {
      case 'succeeded':
        this.ready.push({ batch, scanId: outcome.scanId, createdDateTime: outcome.createdDateTime });
        return;
      case 'failed': {
        const detail = outcome.error
          ? `${outcome.error.code ?? ''} ${outcome.error.message ?? ''}`.trim()
          : '';
        this.deps.log('warn', `${batch.id} (${batch.workspaceIds.length} workspaces): scan Failed ${detail}`);
        this.requeueFailed(batch, outcome.error?.code, detail);
        return;
      }
      case 'abandoned':
        this.deps.log('warn', `${batch.id}: scan ${outcome.scanId} ${outcome.reason}; submitting it again`);
        this.requeueAbandoned(batch);
        return;
    }
  }

  private requeueAbandoned(batch: Batch): void {
    if (batch.resubmits < MAX_RESUBMITS) {
      this.pending.unshift({ ...batch, resubmits: batch.resubmits + 1 });
      return;
    }
    this.requeueFailed({ ...batch, resubmits: 0 }, undefined, 'scan abandoned repeatedly');
  }

  private requeueFailed(batch: Batch, vendorCode: string | undefined, detail: string): void {
    const step = stepAfterFailure(batch);
    switch (step.kind) {
      case 'retry':
        this.pending.unshift(step.batch);
        return;
      case 'split':
        this.batchesTotal += 1;
        this.pending.unshift(...step.batches);
        return;
      case 'give-up':
        this.failedEvents.push({
          kind: 'workspace-failed',
          workspaceId: step.workspaceId,
          error: systemError(
            `Power BI could not scan workspace ${step.workspaceId}, even on its own and after a retry.`,
            {
              vendorCode,
              internalMessage: detail,
            },
          ),
        });
        this.batchesTotal -= 1;
        return;
    }
  }
}

function isOutcome(value: unknown): value is ScanJobOutcome {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && 'kind' in value;
}

function validateOptions(options: ScanOptions): void {
  const problems: string[] = [];
  const intIn = (name: keyof ScanOptions, min: number, max: number) => {
    const value = options[name];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer in ${min}..${max} (got ${String(value)})`);
    }
  };
  intIn('maxScansInFlight', 1, MAX_SCANS_IN_FLIGHT);
  intIn('workspacesPerScan', 1, MAX_WORKSPACES_PER_SCAN);
  intIn('pollIntervalMs', 1, 600_000);
  intIn('scanTimeoutMs', 1, 24 * 3_600_000);
  if (problems.length > 0) throw systemError(`Invalid scan options: ${problems.join('; ')}.`);
}
