import { randomUUID } from 'node:crypto';
import { DAY, pbiPreciseTime, type SimClock } from '../clock.js';
import type { ScanFlags, TenantSettings } from '../tenant/types.js';

export type ScanStatus = 'NotStarted' | 'Running' | 'Succeeded' | 'Failed';

export interface Scan {
  id: string;
  createdAt: number;
  /** Workspaces as of the getInfo call: tenant index and revision. */
  workspaces: { index: number; revision: number }[];
  flags: ScanFlags;
  /** Tenant settings when the scan was requested. */
  settings: TenantSettings;
  fate: 'succeed' | 'fail' | 'stuck';
  /** Set by the result-expired fault. */
  expired: boolean;
}

/** Scan results are kept 24 hours (WorkspaceInfo_GetScanResult). */
const RESULT_LIFETIME_MS = DAY;

/**
 * Scans in progress and done. Status is a function of simulated time: NotStarted for the first
 * third of the configured duration, Running until it elapses, then Succeeded (or Failed).
 */
export class ScanRegistry {
  private readonly scans = new Map<string, Scan>();
  peakInFlight = 0;
  created = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly durationMs: () => number,
  ) {}

  status(scan: Scan): ScanStatus {
    const elapsed = this.clock.now() - scan.createdAt;
    const duration = this.durationMs();
    if (scan.fate === 'stuck') return elapsed < duration / 3 ? 'NotStarted' : 'Running';
    if (elapsed >= duration) return scan.fate === 'fail' ? 'Failed' : 'Succeeded';
    return elapsed < duration / 3 ? 'NotStarted' : 'Running';
  }

  inFlight(): number {
    this.forgetExpired();
    let n = 0;
    for (const scan of this.scans.values()) {
      const s = this.status(scan);
      if (s === 'NotStarted' || s === 'Running') n++;
    }
    return n;
  }

  create(
    workspaces: Scan['workspaces'],
    flags: ScanFlags,
    settings: TenantSettings,
    fate: Scan['fate'],
  ): Scan {
    const scan: Scan = {
      id: randomUUID(),
      createdAt: this.clock.now(),
      workspaces,
      flags,
      settings: { ...settings },
      fate,
      expired: false,
    };
    this.scans.set(scan.id, scan);
    this.created++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight());
    return scan;
  }

  get(id: string): Scan | undefined {
    this.forgetExpired();
    return this.scans.get(id.toLowerCase());
  }

  describe(scan: Scan): { id: string; createdDateTime: string; status: ScanStatus; error?: object } {
    const status = this.status(scan);
    const body = { id: scan.id, createdDateTime: pbiPreciseTime(scan.createdAt), status };
    if (status !== 'Failed') return body;
    return {
      ...body,
      error: { code: 'ScanFailed', message: 'The scan could not be completed.', target: 'workspaces' },
    };
  }

  private forgetExpired(): void {
    const cutoff = this.clock.now() - this.durationMs() - RESULT_LIFETIME_MS;
    for (const [id, scan] of this.scans)
      if (scan.createdAt < cutoff && scan.fate !== 'stuck') this.scans.delete(id);
  }
}
