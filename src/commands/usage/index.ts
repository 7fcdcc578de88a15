import type { UsageStream } from './usage-stream.js';

export type { ScanObserver, UsageStream, UsageSyncInput } from './usage-stream.js';

/** Streams outside the Scanner API, each with its own incremental read (see usage-stream.ts). */
export const usageStreams: readonly UsageStream[] = [];
