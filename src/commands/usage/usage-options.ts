/**
 * Options of the usage streams. `activity_events.enabled` and `backfill_days` are in spec.json;
 * the others are read leniently (the spec lets unknown keys through) until spec.json declares them,
 * and fall back to these defaults.
 */
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

function numberIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : fallback;
}

function section(config: Config, name: string): Record<string, unknown> {
  const value = (config.input as unknown as Record<string, unknown>)[name];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export function usageOptions(config: Config): UsageOptions {
  const activity = section(config, 'activity_events');
  const refresh = section(config, 'refresh_history');
  return {
    activityBackfillDays: config.activityEvents.backfill_days,
    activitySettleMinutes: numberIn(activity.settle_minutes, 0, 720, 60),
    refreshesPerArtifact: numberIn(refresh.refreshes_per_artifact, 1, 60, 20),
    refreshConcurrency: numberIn(refresh.concurrency, 1, 16, 4),
  };
}

/** refresh_history is on unless refresh_history.enabled is false. */
export function refreshHistoryEnabled(config: Config): boolean {
  return section(config, 'refresh_history').enabled !== false;
}

/** apps is on unless apps.enabled is false. */
export function appsEnabled(config: Config): boolean {
  return section(config, 'apps').enabled !== false;
}
