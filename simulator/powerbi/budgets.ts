import { HOUR, MINUTE, type SimClock } from '../clock.js';
import { HOURLY_LIMITS, type PowerBiEndpoint } from './endpoints.js';

interface Window {
  limit: number;
  ms: number;
}

export type BudgetOverrides = Partial<Record<PowerBiEndpoint, number>>;

/**
 * Sliding-window request budgets per endpoint and caller. admin/groups is budgeted per tenant
 * (https://learn.microsoft.com/rest/api/power-bi/admin/groups-get-groups-as-admin#limitations).
 */
export class Budgets {
  private readonly windows = new Map<PowerBiEndpoint, Window[]>();
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly clock: SimClock,
    overrides: BudgetOverrides = {},
  ) {
    for (const [endpoint, hourly] of Object.entries({ ...HOURLY_LIMITS, ...overrides }) as [
      PowerBiEndpoint,
      number,
    ][]) {
      if (!Number.isFinite(hourly) || hourly <= 0) continue;
      const windows: Window[] = [{ limit: hourly, ms: HOUR }];
      if (endpoint === 'adminGroups' && overrides.adminGroups === undefined)
        windows.push({ limit: 15, ms: MINUTE });
      this.windows.set(endpoint, windows);
    }
  }

  /** Records the request when allowed; otherwise says how many seconds until it would be. */
  take(endpoint: PowerBiEndpoint, caller: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const windows = this.windows.get(endpoint);
    if (!windows) return { ok: true };
    const key = endpoint === 'adminGroups' ? endpoint : `${endpoint}:${caller}`;
    const now = this.clock.now();
    const longest = Math.max(...windows.map((w) => w.ms));
    const hits = (this.hits.get(key) ?? []).filter((t) => t > now - longest);
    let wait = 0;
    for (const w of windows) {
      const inWindow = hits.filter((t) => t > now - w.ms);
      if (inWindow.length >= w.limit) {
        const oldest = inWindow[inWindow.length - w.limit] ?? now;
        wait = Math.max(wait, oldest + w.ms - now);
      }
    }
    if (wait > 0) {
      this.hits.set(key, hits);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    hits.push(now);
    this.hits.set(key, hits);
    return { ok: true };
  }
}
