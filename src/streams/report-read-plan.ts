/**
 * Which reports a report stream reads this sync, and its state. Each report stream keeps its own:
 * - `reports` {id: modified}: read (or settled for good) at that last change;
 * - `refused` {id: [...target, status, at]}: refused (no role, encrypted label); asked again a day later;
 * - `pending` {id: target}: found by a scan but not read yet (over the per-sync cap, a timed-out or
 *   failed operation, a stopped read).
 * A report is read when the scan shows it created or changed since it was last read. Every read
 * report settles on its own, so a stopped read resumes with exactly the reports it had not finished.
 */
import { savedEntries, type StreamState } from './stream-state.js';
import type { ReportOutcome, ReportStatus } from './report-fetch.js';
import { loadTarget, saveTarget, type ReportTarget, type SavedTarget } from './report-targets.js';

/** A refused report is asked about again after this long (roles and labels change without the report changing). */
export const REFUSED_RETRY_MS = 24 * 3_600_000;

interface Refused {
  target: ReportTarget;
  status: ReportStatus;
  at: number;
}

function savedObject(state: StreamState | undefined, key: string): [string, unknown][] {
  const raw = state?.[key];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  return Object.entries(raw as Record<string, unknown>);
}

export class ReportReadPlan {
  private readonly read = new Map<string, string>();
  private readonly refused = new Map<string, Refused>();
  private readonly pending = new Map<string, ReportTarget>();
  /** The reports this sync reads, oldest change first; the rest of `pending` waits. */
  readonly chosen: ReportTarget[];

  constructor(
    state: StreamState | undefined,
    scanned: ReadonlyMap<string, ReportTarget>,
    options: { cap: number; now: number },
  ) {
    for (const [id, modified] of savedObject(state, 'reports'))
      if (typeof modified === 'string') this.read.set(id, modified);
    for (const [id, value] of savedObject(state, 'pending')) {
      const target = loadTarget(id, value);
      if (target) this.pending.set(id, target);
    }
    for (const [id, entry] of savedEntries(state, 'refused')) {
      const target = loadTarget(id, entry.t);
      if (target && typeof entry.s === 'string' && typeof entry.at === 'number')
        this.refused.set(id, { target, status: entry.s as ReportStatus, at: entry.at });
    }
    for (const [id, refusal] of this.refused)
      if (options.now - refusal.at >= REFUSED_RETRY_MS && !this.pending.has(id))
        this.pending.set(id, refusal.target);
    for (const target of scanned.values()) if (this.changed(target)) this.pending.set(target.id, target);
    this.chosen = [...this.pending.values()].sort(byModified).slice(0, options.cap);
  }

  /** Changed since read (or refused) last, or never read. */
  private changed(target: ReportTarget): boolean {
    const refused = this.refused.get(target.id);
    if (refused) return refused.target.modified !== target.modified;
    const modified = this.read.get(target.id);
    return modified === undefined || modified !== target.modified;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  settle(outcome: ReportOutcome, now: number): void {
    const { target } = outcome;
    if (outcome.settlement === 'retry') {
      this.pending.set(target.id, target);
      return;
    }
    this.pending.delete(target.id);
    if (outcome.settlement === 'refused') {
      this.refused.set(target.id, { target, status: outcome.status, at: now });
      this.read.delete(target.id);
    } else {
      this.refused.delete(target.id);
      this.read.set(target.id, target.modified);
    }
  }

  state(): StreamState {
    const refused: Record<string, { t: SavedTarget; s: string; at: number }> = {};
    for (const [id, r] of this.refused) refused[id] = { t: saveTarget(r.target), s: r.status, at: r.at };
    const pending: Record<string, SavedTarget> = {};
    for (const [id, target] of this.pending) pending[id] = saveTarget(target);
    return { version: 1, reports: Object.fromEntries(this.read), refused, pending };
  }
}

function byModified(a: ReportTarget, b: ReportTarget): number {
  return a.modified < b.modified ? -1 : a.modified > b.modified ? 1 : a.id < b.id ? -1 : 1;
}
