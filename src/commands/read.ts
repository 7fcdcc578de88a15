import { parseOptions } from '../config/config.js';
import type { ConnectorOptions } from '../config/options.js';
import { asConnectorError, configError } from '../errors.js';
import { readJsonFile } from '../config/json-file.js';
import { parseConfiguredCatalog } from '../protocol/catalog.js';
import { logMessage, type AirbyteMessage, type JsonObject } from '../protocol/messages.js';
import { parseInputState } from '../protocol/state.js';
import { streamByName, streams } from '../streams/registry.js';
import type { CommandContext } from './context.js';
import { aheadCursor, completeAhead, type AheadStream } from './read/ahead-streams.js';
import { runApiStreams, type SelectedApiStream } from './read/api-sync.js';
import { MessageChannel } from './read/channel.js';
import { readScanState, type ScanState } from './read/scan-state.js';
import { describeAnalyser, lineageAnalyserFor } from './read/lineage-analyser.js';
import { runScanSync, type SelectedStream } from './read/scan-sync.js';
import { StreamEmitter } from './read/stream-emitter.js';
import { planSync, type SyncPlan } from './read/sync-plan.js';
import { listWorkspacesToScan } from './read/workspace-list.js';
import { connectPowerBi, type PowerBiSession } from './session.js';

export interface ReadArgs {
  config: string;
  catalog: string;
  state?: string;
}

/** The three inputs of a read, parsed JSON (from files for Airbyte, translated for Singer). */
export interface ReadInputs {
  config: unknown;
  catalog: unknown;
  state?: unknown;
}

export async function loadReadInputs(args: ReadArgs): Promise<ReadInputs> {
  return {
    config: await readJsonFile(args.config, '--config'),
    catalog: await readJsonFile(args.catalog, '--catalog'),
    ...(args.state !== undefined && { state: await readJsonFile(args.state, '--state') }),
  };
}

interface Prepared {
  options: ConnectorOptions;
  /** Streams fed by the shared scan. */
  selected: SelectedStream[];
  /** Streams with their own reads (activity events, refresh history, apps). */
  api: SelectedApiStream[];
  /** Incremental streams whose cursor lies in the future: not read, their state handed back. */
  ahead: AheadStream[];
  /** Every selected stream's emitter, in catalog order. */
  emitters: StreamEmitter[];
  plan: SyncPlan;
  previous: ScanState;
  warnings: string[];
}

const KNOWN = streams.map((s) => ({
  name: s.name,
  supportedSyncModes: ['full_refresh', 'incremental'] as const,
}));

async function prepare(
  load: () => Promise<ReadInputs>,
  context: CommandContext,
  emit: (m: AirbyteMessage) => Promise<void>,
): Promise<Prepared> {
  const inputs = await load();
  const options = parseOptions(inputs.config, context.redactor);
  const configured = parseConfiguredCatalog(inputs.catalog, KNOWN);
  const input = parseInputState(inputs.state);
  const warnings = [...input.warnings];
  const now = new Date();
  const emitters = new Map(configured.map(({ name }) => [name, new StreamEmitter(name, emit)]));
  const ahead: AheadStream[] = [];
  const toRead = configured.flatMap(({ name, syncMode }) => {
    const definition = streamByName(name);
    if (!definition) return [];
    if (definition.kind === 'api' && !definition.enabled(options)) {
      throw configError(
        `Stream ${name} is selected but turned off in the config; enable it (e.g. activity_events.enabled: true) or deselect it.`,
      );
    }
    const state = input.streams.get(name);
    const emitter = emitters.get(name)!;
    const cursorAt = aheadCursor(definition, syncMode, state, now);
    if (cursorAt !== undefined && state) {
      ahead.push({ emitter, state, cursorAt });
      return [];
    }
    return [{ definition, name, syncMode, state, emitter }];
  });
  const api = toRead.flatMap(({ definition, syncMode, state, emitter }): SelectedApiStream[] =>
    definition.kind === 'api'
      ? [{ definition, emitter, syncMode, state, observer: definition.observeScan?.() }]
      : [],
  );
  const scanConfigured = toRead.flatMap(({ definition, name, syncMode, emitter }) =>
    definition.kind === 'scan' ? [{ definition, name, syncMode, emitter }] : [],
  );
  const planned = scanConfigured.map(({ name, syncMode }) => {
    const { state, warning } = readScanState(input.streams.get(name), now);
    if (warning) warnings.push(`State of stream ${name} ignored (${warning}); it gets a full scan.`);
    return { name, syncMode, state };
  });
  const plan = planSync({
    streams: planned,
    now,
    lookbackMinutes: options.incremental.lookbackMinutes,
    fullRefreshEveryDays: options.incremental.fullRefreshEveryDays,
  });
  const states = planned.map((p) => p.state).filter((s): s is ScanState => s !== undefined);
  const cursors = states
    .map((s) => s.cursor)
    .filter((c): c is string => c !== undefined)
    .sort();
  const fulls = states
    .map((s) => s.lastFullScanAt)
    .filter((c): c is string => c !== undefined)
    .sort();
  const previous: ScanState = {
    version: 1,
    ...(cursors[0] && { cursor: cursors[0] }),
    ...(fulls[0] && { lastFullScanAt: fulls[0] }),
  };
  const selected = scanConfigured.map(({ definition, emitter }) => ({ definition, emitter }));
  return { options, selected, api, ahead, emitters: [...emitters.values()], plan, previous, warnings };
}

function finalState(prepared: Prepared, failed: string[]): JsonObject {
  const { plan, previous } = prepared;
  const syncStartedAt = plan.syncStartedAt.toISOString();
  return {
    version: 1,
    cursor: syncStartedAt,
    ...((plan.mode === 'full' ? syncStartedAt : previous.lastFullScanAt) && {
      lastFullScanAt: plan.mode === 'full' ? syncStartedAt : previous.lastFullScanAt,
    }),
    ...(failed.length > 0 && { retryWorkspaceIds: failed }),
  };
}

async function sync(
  load: () => Promise<ReadInputs>,
  context: CommandContext,
  channel: MessageChannel<AirbyteMessage>,
): Promise<void> {
  const emit = (message: AirbyteMessage): Promise<void> => channel.push(message);
  const log = (level: 'INFO' | 'WARN', message: string): Promise<void> => emit(logMessage(level, message));
  const prepared = await prepare(load, context, emit);
  for (const warning of prepared.warnings) await log('WARN', warning);
  const { emitters } = prepared;
  for (const emitter of emitters) await emitter.started();
  try {
    for (const stream of prepared.ahead) await completeAhead(stream, log);
    const session = connectPowerBi(
      prepared.options,
      context,
      {
        offer: (message) => channel.offer(message),
        onRateLimited: (info) => {
          for (const emitter of emitters) emitter.rateLimited(info.untilMs, (m) => channel.offer(m));
        },
      },
      context.signal ? { signal: context.signal } : {},
    );
    try {
      if (prepared.selected.length > 0) await scan(prepared, session, context, log, channel);
      await runApiStreams(prepared.api, {
        client: session.client,
        options: prepared.options,
        log,
        ...(context.signal && { signal: context.signal }),
      });
      await log('INFO', summary(emitters, session.client.stats().requests));
    } finally {
      session.close();
    }
  } catch (error) {
    for (const emitter of emitters) await emitter.incomplete();
    // Stopped by a signal: whatever the interrupted call reported, the cause is the stop request.
    throw context.signal?.aborted ? asConnectorError(context.signal.reason) : error;
  }
}

/** Progress LOG lines at most this often (and at the end); a terminal also gets a live line. */
const PROGRESS_LOG_EVERY_MS = 5_000;

/** The shared scan: list the workspaces to scan, scan them, feed every scan stream, save the cursor. */
async function scan(
  prepared: Prepared,
  session: PowerBiSession,
  context: CommandContext,
  log: (level: 'INFO' | 'WARN', message: string) => Promise<void>,
  channel: MessageChannel<AirbyteMessage>,
): Promise<void> {
  const { options, selected, plan } = prepared;
  for (const { emitter } of selected) emitter.begin();
  await log('INFO', `${plan.mode === 'full' ? 'Full' : 'Incremental'} sync: ${plan.reasons.join('; ')}.`);
  const list = await listWorkspacesToScan(session.client, options.workspaces, plan);
  await log(
    'INFO',
    `${list.ids.length} workspace(s) to scan${list.excludedByName ? `, ${list.excludedByName} excluded by name` : ''}.`,
  );
  const startedAt = Date.now();
  let lastProgressLog = 0;
  const analyser = await lineageAnalyserFor(options, selected);
  if (analyser) await log('INFO', describeAnalyser(analyser));
  const result = await runScanSync({
    client: session.client,
    options,
    plan,
    workspaceIds: list.ids,
    previous: prepared.previous,
    streams: selected,
    ...(analyser && { lineageAnalyser: analyser }),
    observers: prepared.api.flatMap((s) => (s.observer ? [s.observer] : [])),
    log,
    progress: (p) => {
      const line = progressLine(p, startedAt, selected);
      if (context.interactive) context.liveStatus(line);
      const now = Date.now();
      if (now - lastProgressLog >= PROGRESS_LOG_EVERY_MS || p.batchesDone === p.batchesTotal) {
        lastProgressLog = now;
        channel.offer(logMessage('INFO', line));
      }
    },
  }).finally(() => analyser?.close());
  const state = finalState(prepared, result.failedWorkspaceIds);
  // Each scan stream is done with its final STATE: COMPLETE now, whatever the api streams do next.
  for (const { emitter } of selected) {
    await emitter.state(state);
    await emitter.complete();
  }
  if (context.interactive) context.liveStatus('');
  await log('INFO', `Scan complete: ${result.workspacesScanned} workspace(s) scanned.`);
}

function progressLine(
  p: { workspaces: number; total: number; batchesDone: number; batchesTotal: number },
  startedAt: number,
  selected: SelectedStream[],
): string {
  const seconds = Math.max((Date.now() - startedAt) / 1000, 0.001);
  const records = selected.reduce((sum, s) => sum + s.emitter.recordCount, 0);
  const rate = p.workspaces / seconds;
  const left = rate > 0 ? Math.round((p.total - p.workspaces) / rate) : undefined;
  return `scan: ${p.workspaces}/${p.total} workspaces, ${p.batchesDone}/${p.batchesTotal} batches, ${records} records, ${Math.round(records / seconds)} records/s${left === undefined ? '' : `, ~${left}s left`}`;
}

function summary(emitters: StreamEmitter[], calls: Record<string, number>): string {
  const perStream = emitters.map((e) => `${e.name}=${e.recordCount}`).join(', ');
  const perEndpoint = Object.entries(calls)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  return `Sync complete; records: ${perStream}; API calls: ${perEndpoint}.`;
}

/** read: one shared scan feeds every selected stream; messages flow through a bounded channel. */
export async function* readCommand(
  load: () => Promise<ReadInputs>,
  context: CommandContext,
): AsyncGenerator<AirbyteMessage> {
  const channel = new MessageChannel<AirbyteMessage>();
  const task = sync(load, context, channel).then(
    () => channel.close(),
    (error: unknown) => channel.close(asConnectorError(error)),
  );
  try {
    yield* channel.drain();
  } finally {
    await task;
  }
}
