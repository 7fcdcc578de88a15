/**
 * The read the three report streams share (report_definitions, report_pages, report_visuals):
 * plan from the stream's state and the scan, fetch each chosen report (at most `concurrency` at a
 * time), turn each outcome into the stream's records, settle it in the state, checkpoint as it
 * goes. Streams selected together run one after another in the same read; the first fetches and
 * the others reuse its outcomes (one getDefinition per report and sync, not three).
 */
import type { PowerBiClient } from '../powerbi/client.js';
import { info, warn, type ApiItem, type ApiReadInput } from './api-stream.js';
import { inParallel } from './in-parallel.js';
import { fetchReport, type ReportOutcome } from './report-fetch.js';
import { ReportReadPlan } from './report-read-plan.js';
import { ReportTargetObserver, type ReportTarget } from './report-targets.js';

/** How many report streams can share one outcome: after that many uses it is dropped. */
const REPORT_STREAMS = 3;
/** A checkpoint after this many settled reports (besides the first and the last). */
const CHECKPOINT_EVERY = 25;

interface Shared {
  promise: Promise<ReportOutcome>;
  uses: number;
}

const outcomesByClient = new WeakMap<PowerBiClient, Map<string, Shared>>();

function sharedFetch(input: ApiReadInput, target: ReportTarget): Promise<ReportOutcome> {
  let outcomes = outcomesByClient.get(input.client);
  if (!outcomes) outcomesByClient.set(input.client, (outcomes = new Map<string, Shared>()));
  const key = `${target.id}|${target.modified}`;
  let shared = outcomes.get(key);
  if (!shared) {
    const maxWaitMs = input.options.reportDefinitions.operationTimeoutSeconds * 1000;
    const promise = fetchReport(input.client, target, { maxWaitMs });
    // A failure is not shared: the next stream asks again.
    promise.catch(() => outcomes.delete(key));
    outcomes.set(key, (shared = { promise, uses: 0 }));
  }
  shared.uses += 1;
  if (shared.uses >= REPORT_STREAMS) outcomes.delete(key);
  return shared.promise;
}

const warned = new WeakSet<PowerBiClient>();

/** The report streams of one read share their outcomes: the warning about refused reports is given once. */
function firstToWarn(client: PowerBiClient): boolean {
  if (warned.has(client)) return false;
  warned.add(client);
  return true;
}

function summary(stream: string, outcomes: Map<string, number>, waiting: number): string {
  const counts = [...outcomes].map(([status, n]) => `${n} ${status}`).join(', ') || 'none';
  return `${stream}: reports this sync: ${counts}; ${waiting} wait for a later sync.`;
}

export async function* readReports<R>(
  stream: string,
  input: ApiReadInput,
  toRecords: (outcome: ReportOutcome, observer: ReportTargetObserver | undefined) => R[],
): AsyncGenerator<ApiItem<R>> {
  const observer = input.observer instanceof ReportTargetObserver ? input.observer : undefined;
  const scanned = observer?.seen ?? new Map<string, ReportTarget>();
  const { maxReportsPerSync, concurrency } = input.options.reportDefinitions;
  const started = Date.now();
  const now = () => input.now.getTime() + (Date.now() - started);
  const plan = new ReportReadPlan(input.state, scanned, { cap: maxReportsPerSync, now: now() });
  if (!observer || observer.workspaces === 0)
    yield info(
      `${stream} reads the reports the scan finds: select a scan stream (e.g. reports) in the same connection; reports already found but not read yet: ${plan.pendingCount}.`,
    );
  yield { checkpoint: plan.state() };
  const statuses = new Map<string, number>();
  let sinceCheckpoint = 0;
  try {
    for await (const outcome of inParallel(plan.chosen, concurrency, (t) => sharedFetch(input, t))) {
      for (const record of toRecords(outcome, observer)) yield { record };
      plan.settle(outcome, now());
      statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      if (++sinceCheckpoint >= CHECKPOINT_EVERY) {
        sinceCheckpoint = 0;
        yield { checkpoint: plan.state() };
      }
    }
  } catch (error) {
    yield { checkpoint: plan.state() };
    throw error;
  }
  const refused = (statuses.get('no_access') ?? 0) + (statuses.get('encrypted_label') ?? 0);
  if (refused > 0 && firstToWarn(input.client))
    yield warn(
      `${stream}: ${refused} report(s) could not be read (no workspace role, or an encrypted sensitivity label): the report_definitions stream gives the status and reason of each. The service principal needs the Contributor role (or higher) in their workspaces and the tenant setting "Service principals can use Fabric APIs".`,
    );
  yield info(summary(stream, statuses, plan.pendingCount));
  yield { checkpoint: plan.state() };
}
