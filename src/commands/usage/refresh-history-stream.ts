/**
 * refresh_history: one call per refreshed dataset (groups/{ws}/datasets/{id}/refreshes?$top=N)
 * and per dataflow (groups/{ws}/dataflows/{id}/transactions), for the artifacts the scan found.
 * Incremental: an artifact already known emits the refreshes that ended at or after the previous
 * sync's start (minus a settle margin); a newly found one emits its whole kept history.
 *
 * State: `cursor` (start of the last complete read), `workspaces` (every target) and `pending`
 * (targets whose whole history has not been read yet). A checkpoint is written before the first
 * call, so that a read stopped anywhere in this stream (error, kill) resumes without losing the
 * targets the scan found, and a stopped read writes what it finished.
 */
import { ConnectorError } from '../../errors.js';
import type { JsonObject } from '../../protocol/messages.js';
import { refreshHistoryStream, toRefreshRecord, type RefreshArtifact } from '../../streams/usage/refresh.js';
import { judgeApiFailure } from './api-refusal.js';
import {
  artifactKey,
  flattenTargets,
  mergeTargets,
  readTargets,
  RefreshTargetObserver,
  removeTarget,
  targetsFrom,
  writeTargets,
  type TargetList,
} from './refresh-targets.js';
import { refreshHistoryEnabled, usageOptions } from './usage-options.js';
import type { ScanObserver, UsageStream, UsageSyncInput } from './usage-stream.js';

/** Refresh history may lag the end of a refresh a little; entries this close to the last read are read again. */
const SETTLE_MS = 15 * 60_000;

/**
 * Calls per artifact while Power BI answers "token expired". The API client renews the token once
 * per call; a token renewed and expired again before its retry landed (another call's expiry, a
 * revocation) gets a new call, hence a new token, instead of being taken for a permission verdict.
 */
export const CALLS_ON_EXPIRED_TOKEN = 3;

interface Outcome {
  gone: RefreshArtifact[];
  denied: RefreshArtifact[];
  /** Keys of the artifacts whose history was emitted. */
  done: Set<string>;
}

function fetchHistory(input: UsageSyncInput, a: RefreshArtifact, top: number): Promise<JsonObject[]> {
  return a.type === 'Dataset'
    ? input.client.listDatasetRefreshes(a.workspaceId, a.id, top)
    : input.client.listDataflowTransactions(a.workspaceId, a.id, top);
}

function tokenKeptExpiring(artifact: RefreshArtifact, cause: ConnectorError): ConnectorError {
  return new ConnectorError(
    `Power BI kept rejecting access tokens as expired while reading the refresh history of ${artifact.type.toLowerCase()} ` +
      `${artifact.id} (${CALLS_ON_EXPIRED_TOKEN} calls, each with a renewed token). Check that this machine's clock is ` +
      'correct (time zone and NTP sync), then sync again: the sync resumes where it stopped.',
    {
      failureType: 'transient_error',
      ...(cause.internalMessage !== undefined && { internalMessage: cause.internalMessage }),
      ...(cause.vendorCode !== undefined && { vendorCode: cause.vendorCode }),
      ...(cause.httpStatus !== undefined && { httpStatus: cause.httpStatus }),
      cause,
    },
  );
}

/** The artifact's history; an expired token is renewed by calling again, a bounded number of times. */
async function fetchWithLiveToken(
  input: UsageSyncInput,
  artifact: RefreshArtifact,
  top: number,
): Promise<JsonObject[]> {
  for (let call = 1; ; call += 1) {
    try {
      return await fetchHistory(input, artifact, top);
    } catch (error) {
      if (judgeApiFailure(error) !== 'token-expired') throw error;
      if (call >= CALLS_ON_EXPIRED_TOKEN) throw tokenKeptExpiring(artifact, error as ConnectorError);
    }
  }
}

async function readArtifact(
  input: UsageSyncInput,
  artifact: RefreshArtifact,
  since: number | undefined,
  outcome: Outcome,
): Promise<void> {
  let entries: JsonObject[];
  try {
    entries = await fetchWithLiveToken(input, artifact, usageOptions(input.config).refreshesPerArtifact);
  } catch (error) {
    // A deleted artifact, or a workspace the identity may not read (a refusal that outlived a
    // renewed token), must not stop the stream; anything else (sign-in failures included) does.
    const verdict = judgeApiFailure(error);
    if (verdict === 'gone') return void outcome.gone.push(artifact);
    if (verdict === 'denied') return void outcome.denied.push(artifact);
    throw error;
  }
  for (const entry of entries) {
    const record = toRefreshRecord(artifact, entry);
    if (!record?.endTime || (since !== undefined && Date.parse(record.endTime) < since)) continue;
    await input.emitter.record(record as unknown as JsonObject);
  }
  outcome.done.add(artifactKey(artifact));
}

/** Runs `work` over the items, `size` at a time; after a failure no new item starts, and the first error is thrown once all in flight have settled. */
async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      try {
        await work(items[next++] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
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

function stateOf(cursor: number, targets: TargetList, pending: RefreshArtifact[]): JsonObject {
  return {
    version: 1,
    ...(!Number.isNaN(cursor) && { cursor: new Date(cursor).toISOString() }),
    workspaces: writeTargets(targets),
    ...(pending.length > 0 && { pending: writeTargets(targetsFrom(pending)) }),
  };
}

async function sync(input: UsageSyncInput, observer: ScanObserver | undefined): Promise<void> {
  const previous = readTargets(input.state);
  const stillPending = new Set(flattenTargets(readTargets(input.state, 'pending')).map(artifactKey));
  const scanned = observer instanceof RefreshTargetObserver ? observer.seen : (new Map() as TargetList);
  const targets = mergeTargets(previous, scanned);
  const cursor = await readCursor(input);
  const incremental = input.syncMode === 'incremental' && !Number.isNaN(cursor);
  const known = new Set(
    flattenTargets(previous)
      .map(artifactKey)
      .filter((key) => !stillPending.has(key)),
  );
  const artifacts = flattenTargets(targets);
  if (artifacts.length === 0 && scanned.size === 0) {
    await input.log(
      'WARN',
      'refresh_history knows no datasets or dataflows yet: it asks about the artifacts the scan finds. Select a scan stream (e.g. datasets or dataflows) in the same connection; the next sync then reads refresh history.',
    );
  }
  // Artifacts whose whole history no sync has emitted yet: read in full until one has.
  const fresh = artifacts.filter((a) => !known.has(artifactKey(a)));
  await input.emitter.state(stateOf(cursor, targets, fresh));
  const outcome: Outcome = { gone: [], denied: [], done: new Set() };
  const options = usageOptions(input.config);
  try {
    await pool(artifacts, options.refreshConcurrency, (a) =>
      readArtifact(
        input,
        a,
        incremental && known.has(artifactKey(a)) ? cursor - SETTLE_MS : undefined,
        outcome,
      ),
    );
  } catch (error) {
    for (const artifact of outcome.gone) removeTarget(targets, artifact);
    const settled = new Set([...outcome.done, ...outcome.gone.map(artifactKey)]);
    const unread = fresh.filter((a) => !settled.has(artifactKey(a)));
    await input.emitter.state(stateOf(cursor, targets, unread));
    throw error;
  }
  for (const artifact of outcome.gone) removeTarget(targets, artifact);
  if (outcome.denied.length > 0) {
    const workspaces = [...new Set(outcome.denied.map((a) => a.workspaceId))];
    await input.log(
      'WARN',
      `refresh_history: no access to ${outcome.denied.length} artifact(s) in ${workspaces.length} workspace(s) (e.g. ${workspaces.slice(0, 3).join(', ')}): Power BI refused them, and not for an expired token. Refresh history is a workspace API: add the service principal to those workspaces (Contributor or Member) and allow service principals to use Power BI APIs.`,
    );
  }
  await input.log(
    'INFO',
    `refresh_history: ${artifacts.length} artifact(s) asked, ${outcome.gone.length} gone.`,
  );
  // A new artifact refused this time keeps its whole history owed: it is read in full once allowed.
  const deniedFresh = outcome.denied.filter((a) => !known.has(artifactKey(a)));
  await input.emitter.state(stateOf(input.now.getTime(), targets, deniedFresh));
}

export const refreshHistoryUsage: UsageStream = {
  definition: refreshHistoryStream,
  cursorField: ['endTime'],
  enabled: refreshHistoryEnabled,
  createObserver: () => new RefreshTargetObserver(),
  sync,
};
