import { transientError } from '../errors.js';
import type { Clock } from './clock.js';
import { ENDPOINTS, MAX_SCANS_IN_FLIGHT, type Endpoint, type HourlyBudgets } from './endpoints.js';

export type WaitReason = 'throttled' | 'budget' | 'backoff';

export interface WaitInfo {
  endpoint: Endpoint;
  /** Epoch ms at which the wait ends. */
  untilMs: number;
  reason: WaitReason;
}

export interface SchedulerOptions {
  clock: Clock;
  budgets: HourlyBudgets;
  /** Patience: a wait longer than this fails with a transient_error carrying retryAfterMs. */
  maxWaitMs: number;
  maxScansInFlight?: number;
  windowMs?: number;
  onWait?: (info: WaitInfo) => void;
  signal?: AbortSignal;
}

export interface SchedulerStats {
  requests: Record<Endpoint, number>;
  scansInFlight: number;
  peakScansInFlight: number;
  waits: number;
}

/**
 * One per run, shared by every call: keeps each endpoint inside its hourly budget (a rolling
 * window of the requests this run made), makes every call to an endpoint wait while a 429 said so,
 * and bounds scans in flight (getInfo submitted, scanStatus not yet Succeeded/Failed).
 */
export class RequestScheduler {
  private readonly sent = new Map<Endpoint, number[]>();
  private readonly blockedUntil = new Map<Endpoint, number>();
  private readonly counts = Object.fromEntries(ENDPOINTS.map((e) => [e, 0])) as Record<Endpoint, number>;
  private readonly slotWaiters: Array<() => void> = [];
  private readonly windowMs: number;
  readonly maxScansInFlight: number;
  private scansInFlight = 0;
  private peakScansInFlight = 0;
  private waits = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.windowMs = options.windowMs ?? 3_600_000;
    this.maxScansInFlight = Math.min(options.maxScansInFlight ?? MAX_SCANS_IN_FLIGHT, MAX_SCANS_IN_FLIGHT);
  }

  /** Resolves when a request to `endpoint` may be sent now, and counts it. */
  async acquire(endpoint: Endpoint, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.options.clock.now();
      const wait = this.nextSlot(endpoint, now);
      if (wait === undefined) {
        this.record(endpoint, now);
        return;
      }
      await this.waitUntil(endpoint, wait.untilMs, wait.reason, signal);
    }
  }

  /** A 429 (or a 5xx with Retry-After) said to wait: every call to the endpoint waits until then. */
  block(endpoint: Endpoint, untilMs: number): void {
    this.blockedUntil.set(endpoint, Math.max(untilMs, this.blockedUntil.get(endpoint) ?? 0));
  }

  /** Waits (reporting it) then resolves; fails if the wait exceeds patience. */
  async waitUntil(
    endpoint: Endpoint,
    untilMs: number,
    reason: WaitReason,
    signal?: AbortSignal,
  ): Promise<void> {
    const now = this.options.clock.now();
    if (untilMs - now > this.options.maxWaitMs) {
      throw transientError(
        `Power BI's ${endpoint} endpoint cannot be called before ${new Date(untilMs).toISOString()} ` +
          `(${reason === 'budget' ? 'its hourly request budget is used up' : 'throttled'}), which is longer than the ` +
          'configured patience (max_retry_wait_seconds). The sync stopped cleanly; resume it later from its last state.',
        { retryAfterMs: untilMs, internalMessage: `${endpoint} wait ${untilMs - now} ms (${reason})` },
      );
    }
    if (untilMs <= now) return;
    this.waits += 1;
    this.options.onWait?.({ endpoint, untilMs, reason });
    await this.options.clock.sleep(untilMs - now, signal ?? this.options.signal);
  }

  /** Takes one of the scans-in-flight slots; call the returned function once the scan is done. */
  async acquireScanSlot(): Promise<() => void> {
    while (this.scansInFlight >= this.maxScansInFlight) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.scansInFlight += 1;
    this.peakScansInFlight = Math.max(this.peakScansInFlight, this.scansInFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.scansInFlight -= 1;
      this.slotWaiters.shift()?.();
    };
  }

  stats(): SchedulerStats {
    return {
      requests: { ...this.counts },
      scansInFlight: this.scansInFlight,
      peakScansInFlight: this.peakScansInFlight,
      waits: this.waits,
    };
  }

  private nextSlot(endpoint: Endpoint, now: number): { untilMs: number; reason: WaitReason } | undefined {
    const blocked = this.blockedUntil.get(endpoint) ?? 0;
    if (blocked > now) return { untilMs: blocked, reason: 'throttled' };
    const budget = this.options.budgets[endpoint];
    if (budget === undefined) return undefined;
    const sent = this.prune(endpoint, now);
    if (sent.length < budget) return undefined;
    return { untilMs: (sent[sent.length - budget] ?? now) + this.windowMs, reason: 'budget' };
  }

  private prune(endpoint: Endpoint, now: number): number[] {
    const sent = this.sent.get(endpoint) ?? [];
    let drop = 0;
    while (drop < sent.length && (sent[drop] ?? 0) <= now - this.windowMs) drop += 1;
    if (drop > 0) sent.splice(0, drop);
    this.sent.set(endpoint, sent);
    return sent;
  }

  private record(endpoint: Endpoint, now: number): void {
    this.counts[endpoint] += 1;
    if (this.options.budgets[endpoint] !== undefined) this.prune(endpoint, now).push(now);
  }
}
