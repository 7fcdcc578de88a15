/**
 * refresh_history: one call per refreshed dataset (groups/{ws}/datasets/{id}/refreshes?$top=N)
 * and per dataflow (groups/{ws}/dataflows/{id}/transactions), for the artifacts the scan found.
 * Incremental: an artifact already known emits the refreshes that ended at or after the previous
 * sync's start (minus a settle margin); a newly found one emits its whole kept history.
 */
import { ConnectorError } from '../../errors.js';
import type { JsonObject } from '../../protocol/messages.js';
import { refreshHistoryStream, toRefreshRecord, type RefreshArtifact } from '../../streams/usage/refresh.js';
import {
  flattenTargets,
  mergeTargets,
  readTargets,
  RefreshTargetObserver,
  removeTarget,
  writeTargets,
  type TargetList,
} from './refresh-targets.js';
import { refreshHistoryEnabled, usageOptions } from './usage-options.js';
import type { ScanObserver, UsageStream, UsageSyncInput } from './usage-stream.js';

/** Refresh history may lag the end of a refresh a little; entries this close to the last read are read again. */
const SETTLE_MS = 15 * 60_000;

interface Outcome {
  gone: RefreshArtifact[];
  denied: RefreshArtifact[];
}

function fetchHistory(input: UsageSyncInput, a: RefreshArtifact, top: number): Promise<JsonObject[]> {
  return a.type === 'Dataset'
    ? input.client.listDatasetRefreshes(a.workspaceId, a.id, top)
    : input.client.listDataflowTransactions(a.workspaceId, a.id, top);
}

async function readArtifact(
  input: UsageSyncInput,
  artifact: RefreshArtifact,
  since: number | undefined,
  outcome: Outcome,
): Promise<void> {
  let entries: JsonObject[];
  try {
    entries = await fetchHistory(input, artifact, usageOptions(input.config).refreshesPerArtifact);
  } catch (error) {
    // One workspace the service principal is not a member of, or a deleted artifact, must not stop the stream.
    if (error instanceof ConnectorError && error.httpStatus === 404) return void outcome.gone.push(artifact);
    if (error instanceof ConnectorError && (error.httpStatus === 401 || error.httpStatus === 403))
      return void outcome.denied.push(artifact);
    throw error;
  }
  for (const entry of entries) {
    const record = toRefreshRecord(artifact, entry);
    if (!record?.endTime || (since !== undefined && Date.parse(record.endTime) < since)) continue;
    await input.emitter.record(record as unknown as JsonObject);
  }
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/** Clock skew tolerated before a saved cursor counts as "in the future". */
const FUTURE_CURSOR_SKEW_MS = 5 * 60 * 1000;

/** The saved cursor, or NaN (read everything) when there is none or it lies in the future. */
async function readCursor(input: UsageSyncInput): Promise<number> {
  const cursor = typeof input.state?.cursor === 'string' ? Date.parse(input.state.cursor) : NaN;
  if (cursor > input.now.getTime() + FUTURE_CURSOR_SKEW_MS) {
    await input.log(
      'WARN',
      `refresh_history: the saved cursor ${new Date(cursor).toISOString()} lies in the future; reading every artifact's whole history instead.`,
    );
    return NaN;
  }
  return cursor;
}

async function sync(input: UsageSyncInput, observer: ScanObserver | undefined): Promise<void> {
  const previous = readTargets(input.state);
  const scanned = observer instanceof RefreshTargetObserver ? observer.seen : (new Map() as TargetList);
  const targets = mergeTargets(previous, scanned);
  const cursor = await readCursor(input);
  const incremental = input.syncMode === 'incremental' && !Number.isNaN(cursor);
  const known = new Set(flattenTargets(previous).map((a) => `${a.type}:${a.id}`));
  const artifacts = flattenTargets(targets);
  if (artifacts.length === 0 && scanned.size === 0) {
    await input.log(
      'WARN',
      'refresh_history knows no datasets or dataflows yet: it asks about the artifacts the scan finds. Select a scan stream (e.g. datasets or dataflows) in the same connection; the next sync then reads refresh history.',
    );
  }
  const outcome: Outcome = { gone: [], denied: [] };
  const options = usageOptions(input.config);
  await pool(artifacts, options.refreshConcurrency, (a) =>
    readArtifact(
      input,
      a,
      incremental && known.has(`${a.type}:${a.id}`) ? cursor - SETTLE_MS : undefined,
      outcome,
    ),
  );
  for (const artifact of outcome.gone) removeTarget(targets, artifact);
  if (outcome.denied.length > 0) {
    const workspaces = [...new Set(outcome.denied.map((a) => a.workspaceId))];
    await input.log(
      'WARN',
      `refresh_history: no access to ${outcome.denied.length} artifact(s) in ${workspaces.length} workspace(s) (e.g. ${workspaces.slice(0, 3).join(', ')}). Refresh history is a workspace API: add the service principal to those workspaces (Contributor or Member) and allow service principals to use Power BI APIs.`,
    );
  }
  await input.log(
    'INFO',
    `refresh_history: ${artifacts.length} artifact(s) asked, ${outcome.gone.length} gone.`,
  );
  await input.emitter.state({
    version: 1,
    cursor: input.now.toISOString(),
    workspaces: writeTargets(targets),
  });
}

export const refreshHistoryUsage: UsageStream = {
  definition: refreshHistoryStream,
  cursorField: ['endTime'],
  enabled: refreshHistoryEnabled,
  createObserver: () => new RefreshTargetObserver(),
  sync,
};
