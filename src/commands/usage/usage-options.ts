/** Options of the usage streams, from the validated config (defaults from spec.json). */
import type { Config } from '../../config/config.js';

export interface UsageOptions {
  activityBackfillDays: number;
  /** Power BI can take up to 60 minutes to show an event; newer events wait for the next sync. */
  activitySettleMinutes: number;
  /** Refresh history entries asked for per artifact ($top); Power BI keeps 20 to 60. */
  refreshesPerArtifact: number;
  /** refresh_history calls in flight at once. */
  refreshConcurrency: number;
}

export function usageOptions(config: Config): UsageOptions {
  return {
    activityBackfillDays: config.activityEvents.backfill_days,
    activitySettleMinutes: config.activityEvents.settle_minutes,
    refreshesPerArtifact: config.refreshHistory.refreshes_per_artifact,
    refreshConcurrency: config.refreshHistory.concurrency,
  };
}

export function refreshHistoryEnabled(config: Config): boolean {
  return config.refreshHistory.enabled;
}

export function appsEnabled(config: Config): boolean {
  return config.apps.enabled;
}
