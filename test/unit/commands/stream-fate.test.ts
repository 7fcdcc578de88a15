/**
 * Per-stream statuses (StreamEmitter), api streams ending one by one (runApiStreams), resumable full
 * refresh (api-stream checkpoints, planSync) and future cursors (futureCursor).
 */
import { runApiStreams, type SelectedApiStream } from '../../../src/commands/read/api-sync.js';
import type { ScanState } from '../../../src/commands/read/scan-state.js';
import { StreamEmitter } from '../../../src/commands/read/stream-emitter.js';
import { planSync } from '../../../src/commands/read/sync-plan.js';
import type { AirbyteMessage, JsonObject } from '../../../src/protocol/messages.js';
import type { ApiItem, ApiReadInput, ApiStreamDefinition } from '../../../src/streams/api-stream.js';
import { futureCursor } from '../../../src/streams/stream-state.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');

/** What one stream emitted, as `STATUS:x`, `RECORD`, `STATE:{json}`. */
function collector(): { out: string[]; emit: (m: AirbyteMessage) => Promise<void> } {
  const out: string[] = [];
  const emit = (m: AirbyteMessage): Promise<void> => {
    const message = m as {
      type: string;
      trace?: { stream_status?: { status: string; reasons?: unknown[] } };
      state?: { stream: { stream_state: JsonObject } };
    };
    if (message.type === 'RECORD') out.push('RECORD');
    else if (message.type === 'STATE')
      out.push(`STATE:${JSON.stringify(message.state!.stream.stream_state)}`);
    else if (message.trace?.stream_status) {
      const { status, reasons } = message.trace.stream_status;
      out.push(`STATUS:${status}${reasons ? '(rate limited)' : ''}`);
    }
    return Promise.resolve();
  };
  return { out, emit };
}

describe('StreamEmitter', () => {
  test('a stream read to the end: STARTED, RUNNING at its first record, its STATE, COMPLETE', async () => {
    const { out, emit } = collector();
    const emitter = new StreamEmitter('s', emit);
    await emitter.started();
    emitter.begin();
    await emitter.record({ id: 1 });
    await emitter.state({ version: 1 });
    await emitter.complete();
    await emitter.incomplete();
    expect(out).toEqual([
      'STATUS:STARTED',
      'STATUS:RUNNING',
      'RECORD',
      'STATE:{"version":1}',
      'STATUS:COMPLETE',
    ]);
  });

  test('a stream the read never reached: no RUNNING, not even for a rate-limit wait, then INCOMPLETE', async () => {
    const { out, emit } = collector();
    const emitter = new StreamEmitter('s', emit);
    await emitter.started();
    emitter.rateLimited(NOW.getTime(), (m) => void emit(m));
    await emitter.incomplete();
    expect(out).toEqual(['STATUS:STARTED', 'STATUS:INCOMPLETE']);
  });

  test('a wait while the stream is read is a RUNNING with the rate-limit reason; none once it is finished', async () => {
    const { out, emit } = collector();
    const emitter = new StreamEmitter('s', emit);
    await emitter.started();
    emitter.begin();
    emitter.rateLimited(NOW.getTime(), (m) => void emit(m));
    await emitter.state({ version: 1 });
    await emitter.complete();
    emitter.rateLimited(NOW.getTime(), (m) => void emit(m));
    expect(out).toEqual([
      'STATUS:STARTED',
      'STATUS:RUNNING(rate limited)',
      'STATE:{"version":1}',
      'STATUS:COMPLETE',
    ]);
  });

  test('nothing of a stream may follow its final status', async () => {
    const { emit } = collector();
    const emitter = new StreamEmitter('s', emit);
    await emitter.started();
    await emitter.incomplete();
    await expect(emitter.record({ id: 1 })).rejects.toThrow(/after its final status/);
    await expect(emitter.state({ version: 1 })).rejects.toThrow(/after its final status/);
    await expect(emitter.complete()).rejects.toThrow(/after its final status/);
  });
});

type Read = (input: ApiReadInput) => AsyncIterable<ApiItem>;

function apiStream(
  name: string,
  read: Read,
  options: { syncMode?: 'full_refresh' | 'incremental'; state?: JsonObject; resumes?: boolean } = {},
) {
  const { out, emit } = collector();
  const definition = {
    kind: 'api',
    name,
    primaryKey: [['id']],
    cursorField: ['at'],
    jsonSchema: {},
    enabled: () => true,
    ...(options.resumes && { fullRefreshResumes: true }),
    read,
  } as unknown as ApiStreamDefinition;
  const selected: SelectedApiStream = {
    definition,
    emitter: new StreamEmitter(name, emit),
    syncMode: options.syncMode ?? 'incremental',
    state: options.state,
    observer: undefined,
  };
  return { selected, out };
}

/** Api streams here never call the API: they yield what the test gives them. */
const apiInput = {
  client: {} as never,
  options: {} as never,
  log: () => Promise.resolve(),
};

describe('runApiStreams', () => {
  test('each api stream ends as it fares: a failure is INCOMPLETE, the next one still COMPLETE, the failure thrown after', async () => {
    const failing = apiStream('failing', async function* () {
      yield { record: { id: 1 } };
      yield { checkpoint: { version: 1, cursor: 'a' } };
      await Promise.resolve();
      throw new Error('throttled');
    });
    const next = apiStream('next', async function* () {
      await Promise.resolve();
      yield { checkpoint: { version: 1 } };
    });
    for (const s of [failing, next]) await s.selected.emitter.started();
    await expect(runApiStreams([failing.selected, next.selected], apiInput)).rejects.toThrow('throttled');
    expect(failing.out).toEqual([
      'STATUS:STARTED',
      'STATUS:RUNNING',
      'RECORD',
      'STATE:{"version":1,"cursor":"a"}',
      'STATUS:INCOMPLETE',
    ]);
    // An empty stream still runs before it completes (Airbyte's acceptance tests require a RUNNING).
    expect(next.out).toEqual(['STATUS:STARTED', 'STATE:{"version":1}', 'STATUS:RUNNING', 'STATUS:COMPLETE']);
  });

  /** Like activity_events: one checkpoint per day; an incremental read starts at the saved day. */
  const days: Read = async function* (input) {
    const saved = input.syncMode === 'incremental' ? input.state?.cursor : undefined;
    const from = Number(saved ?? 0);
    for (let day = from; day < 3; day += 1) {
      await Promise.resolve();
      yield { record: { id: day } };
      yield { checkpoint: { version: 1, cursor: day + 1 } };
    }
  };

  test('a resumable full_refresh marks every checkpoint but the last as unfinished', async () => {
    const { selected, out } = apiStream('days', days, { syncMode: 'full_refresh', resumes: true });
    await runApiStreams([selected], apiInput);
    expect(out.filter((o) => o.startsWith('STATE'))).toEqual([
      'STATE:{"version":1,"cursor":1,"unfinishedFullRefresh":true}',
      'STATE:{"version":1,"cursor":2,"unfinishedFullRefresh":true}',
      'STATE:{"version":1,"cursor":3}',
    ]);
  });

  test('a full_refresh given an unfinished one continues it; given a finished one it starts over', async () => {
    const seen: { syncMode: string; state: unknown }[] = [];
    const spy: Read = (input) => {
      seen.push({ syncMode: input.syncMode, state: input.state });
      return days(input);
    };
    const unfinished = apiStream('days', spy, {
      syncMode: 'full_refresh',
      resumes: true,
      state: { version: 1, cursor: 2, unfinishedFullRefresh: true },
    });
    await runApiStreams([unfinished.selected], apiInput);
    expect(unfinished.out.filter((o) => o === 'RECORD')).toHaveLength(1);
    expect(unfinished.out.filter((o) => o.startsWith('STATE'))).toEqual(['STATE:{"version":1,"cursor":3}']);
    const finished = apiStream('days', spy, {
      syncMode: 'full_refresh',
      resumes: true,
      state: { version: 1, cursor: 3 },
    });
    await runApiStreams([finished.selected], apiInput);
    expect(seen).toEqual([
      { syncMode: 'incremental', state: { version: 1, cursor: 2 } },
      { syncMode: 'full_refresh', state: { version: 1, cursor: 3 } },
    ]);
  });

  test('a stream that does not resume its full refresh keeps its checkpoints as they are', async () => {
    const { selected, out } = apiStream('days', days, {
      syncMode: 'full_refresh',
      state: { version: 1, cursor: 2, unfinishedFullRefresh: true },
    });
    await runApiStreams([selected], apiInput);
    expect(out.filter((o) => o === 'RECORD')).toHaveLength(3);
    expect(out.filter((o) => o.includes('unfinished'))).toEqual([]);
  });
});

describe('planSync with full_refresh streams', () => {
  const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();
  const pendingFull = (doneThroughId: string): ScanState => ({
    version: 1,
    pending: { syncStartedAt: ago(10), mode: 'full', doneThroughId },
  });
  const plan = (states: (ScanState | undefined)[]) =>
    planSync({
      streams: states.map((state, i) => ({ name: `s${i}`, syncMode: 'full_refresh' as const, state })),
      now: NOW,
      lookbackMinutes: 60,
      fullRefreshEveryDays: 7,
    });

  test('an interrupted full scan resumes after the smallest finished workspace, with its original start', () => {
    const result = plan([pendingFull('b'), pendingFull('a')]);
    expect(result).toMatchObject({ mode: 'full', resumeAfterId: 'a', syncStartedAt: new Date(ago(10)) });
  });

  const restarts: [string, (ScanState | undefined)[]][] = [
    ['no state', [undefined]],
    ['one stream without state', [pendingFull('a'), undefined]],
    ['a finished sync', [{ version: 1, cursor: ago(60), lastFullScanAt: ago(60) }]],
    [
      'an unfinished incremental sync',
      [
        {
          version: 1,
          cursor: ago(120),
          pending: { syncStartedAt: ago(10), mode: 'incremental', modifiedSince: ago(180) },
        },
      ],
    ],
  ];
  test.each(restarts)('%s: a new full scan', (_label, states) => {
    const result = plan(states);
    expect(result.mode).toBe('full');
    expect(result.resumeAfterId).toBeUndefined();
    expect(result.syncStartedAt).toEqual(NOW);
  });
});

describe('futureCursor', () => {
  const now = NOW.getTime();
  test.each([
    ['our cursor', { version: 1, cursor: '2999-01-01T00:00:00Z' }, Date.parse('2999-01-01T00:00:00Z')],
    [
      'the cursor field, as CAT writes it',
      { at: '2999-01-01T00:00:00Z' },
      Date.parse('2999-01-01T00:00:00Z'),
    ],
    ['a past cursor', { version: 1, cursor: '2026-11-28T00:00:00Z' }, undefined],
    ['a cursor within the clock skew', { version: 1, cursor: '2026-11-29T12:03:00Z' }, undefined],
    ['no time', { version: 1, cursor: 'soon' }, undefined],
    ['a future time elsewhere', { version: 1, lastFullScanAt: '2999-01-01T00:00:00Z' }, undefined],
  ])('%s', (_label, state, expected) => {
    expect(futureCursor(state, 'at', now)).toBe(expected);
  });
});
