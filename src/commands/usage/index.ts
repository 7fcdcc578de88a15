import { activityEventsUsage } from './activity-events-stream.js';
import { appsUsage } from './apps-stream.js';
import { refreshHistoryUsage } from './refresh-history-stream.js';
import type { UsageStream } from './usage-stream.js';

export type { ScanObserver, UsageStream, UsageSyncInput } from './usage-stream.js';

/** Streams outside the Scanner API, each with its own incremental read (see usage-stream.ts). */
export const usageStreams: readonly UsageStream[] = [activityEventsUsage, refreshHistoryUsage, appsUsage];
