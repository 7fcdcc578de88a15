/**
 * refresh_history: one call per refreshed dataset and per dataflow (src/streams/refresh-fetch.ts),
 * for the artifacts the scan found. Incremental: an artifact already known emits the refreshes
 * that ended at or after the previous sync's start (minus a settle margin); a newly found one emits
 * its whole kept history.
 *
 * State: `cursor` (start of the last complete read), `workspaces` (every target) and `pending`
 * (targets whose whole history has not been read yet). A checkpoint comes before the first call,
 * so that a read stopped anywhere in this stream (error, kill) resumes without losing the targets
 * the scan found, and a stopped read checkpoints what it finished.
 */
import type { RefreshHistoryRecord } from '../generated/records.js';
import { defineApiStream, info, warn, type ApiItem, type ApiReadInput } from './api-stream.js';
import { inParallel } from './in-parallel.js';
import { fetchRefreshes } from './refresh-fetch.js';
import { toRefreshRecord, type RefreshArtifact } from './refresh-record.js';
import * as targets from './refresh-targets.js';
import { savedTime } from './stream-state.js';

type Item = ApiItem<RefreshHistoryRecord>;

/** Refresh history may lag the end of a refresh a little; entries this close to the last read are read again. */
const SETTLE_MS = 15 * 60_000;

interface Outcome {
  gone: RefreshArtifact[];
  denied: RefreshArtifact[];
  /** Keys of the artifacts whose history was emitted. */
  done: Set<string>;
}

/** Every artifact's records ended at or after `sinceOf(artifact)` (undefined: all of them). */
async function* readAll(
  input: ApiReadInput,
  artifacts: RefreshArtifact[],
  sinceOf: (artifact: RefreshArtifact) => number | undefined,
  outcome: Outcome,
): AsyncGenerator<Item> {
  const { concurrency, refreshesPerArtifact } = input.options.usage.refreshHistory;
  const fetch = (a: RefreshArtifact) => fetchRefreshes(input.client, a, refreshesPerArtifact);
  for await (const fetched of inParallel(artifacts, concurrency, fetch)) {
    if ('verdict' in fetched) {
      outcome[fetched.verdict].push(fetched.artifact);
      continue;
    }
    const since = sinceOf(fetched.artifact);
    for (const entry of fetched.entries) {
      const record = toRefreshRecord(fetched.artifact, entry);
      if (!record?.endTime || (since !== undefined && Date.parse(record.endTime) < since)) continue;
      yield { record };
    }
    outcome.done.add(targets.artifactKey(fetched.artifact));
  }
}

async function* read(input: ApiReadInput): AsyncGenerator<Item> {
  const previous = targets.readTargets(input.state);
  const key = targets.artifactKey;
  const stillPending = new Set(targets.flattenTargets(targets.readTargets(input.state, 'pending')).map(key));
  const scanned: targets.TargetList =
    input.observer instanceof targets.RefreshTargetObserver
      ? input.observer.seen
      : new Map<string, targets.WorkspaceTargets>();
  const list = targets.mergeTargets(previous, scanned);
  // The saved cursor, or NaN (read everything) when there is none or it lies in the future.
  const saved = savedTime(input.state?.cursor, input.now.getTime());
  if (saved?.kind === 'future')
    yield warn(
      `refresh_history: the saved cursor ${new Date(saved.at).toISOString()} lies in the future; reading every artifact's whole history instead.`,
    );
  const cursor = saved?.kind === 'time' ? saved.at : NaN;
  const incremental = input.syncMode === 'incremental' && !Number.isNaN(cursor);
  const known = new Set(
    targets
      .flattenTargets(previous)
      .map(key)
      .filter((k) => !stillPending.has(k)),
  );
  const artifacts = targets.flattenTargets(list);
  if (artifacts.length === 0 && scanned.size === 0)
    yield warn(
      'refresh_history knows no datasets or dataflows yet: it asks about the artifacts the scan finds. Select a scan stream (e.g. datasets or dataflows) in the same connection; the next sync then reads refresh history.',
    );
  // Artifacts whose whole history no sync has emitted yet: read in full until one has.
  const fresh = artifacts.filter((a) => !known.has(key(a)));
  yield { checkpoint: targets.refreshState(cursor, list, fresh) };
  const outcome: Outcome = { gone: [], denied: [], done: new Set() };
  const sinceOf = (a: RefreshArtifact) => (incremental && known.has(key(a)) ? cursor - SETTLE_MS : undefined);
  try {
    yield* readAll(input, artifacts, sinceOf, outcome);
  } catch (error) {
    for (const artifact of outcome.gone) targets.removeTarget(list, artifact);
    const settled = new Set([...outcome.done, ...outcome.gone.map(key)]);
    yield {
      checkpoint: targets.refreshState(
        cursor,
        list,
        fresh.filter((a) => !settled.has(key(a))),
      ),
    };
    throw error;
  }
  for (const artifact of outcome.gone) targets.removeTarget(list, artifact);
  if (outcome.denied.length > 0) {
    const workspaces = [...new Set(outcome.denied.map((a) => a.workspaceId))];
    yield warn(
      `refresh_history: no access to ${outcome.denied.length} artifact(s) in ${workspaces.length} workspace(s) (e.g. ${workspaces.slice(0, 3).join(', ')}): Power BI refused them, and not for an expired token. Refresh history is a workspace API: add the service principal to those workspaces (Contributor or Member) and allow service principals to use Power BI APIs.`,
    );
  }
  yield info(`refresh_history: ${artifacts.length} artifact(s) asked, ${outcome.gone.length} gone.`);
  // A new artifact refused this time keeps its whole history owed: it is read in full once allowed.
  const deniedFresh = outcome.denied.filter((a) => !known.has(key(a)));
  yield { checkpoint: targets.refreshState(input.now.getTime(), list, deniedFresh) };
}

export const refreshHistoryStream = defineApiStream<RefreshHistoryRecord>({
  name: 'refresh_history',
  primaryKey: ['artifactType', 'artifactId', 'refreshId'],
  cursorField: 'endTime',
  enabled: (options) => options.usage.refreshHistory.enabled,
  observeScan: () => new targets.RefreshTargetObserver(),
  read,
});
