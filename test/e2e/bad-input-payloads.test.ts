/**
 * Malformed-but-well-formed API payloads end to end (simulator/payload-corruption.ts): unknown
 * fields, null items, omitted empty arrays, names that are not UTF-8, artifacts and workspaces listed
 * twice, a workspace of another batch, a result without its workspace list, a noisy modified list.
 * Each read must give the clean read's records (names aside where the bytes were broken), every
 * record valid against its schema, no key twice, and never a false deletion.
 */
import { jest } from '@jest/globals';
import { startSimulator, type PayloadCorruption, type Simulator } from '../../simulator/index.js';
import { streamByName } from '../../src/streams/registry.js';
import { diffViews, type View } from '../helpers/destination.js';
import { catalogFor, type Message } from '../helpers/read-run.js';
import {
  configSecrets,
  duplicateKeys,
  findLeaks,
  logText,
  runRead,
  traceErrors,
  viewOf,
} from '../soak/harness.js';
import { schemaErrors } from '../unit/streams/record-validator.js';

jest.setTimeout(120_000);

/** What the simulator's broken bytes (C3 28 80 FF FE) decode to. */
const REPLACED = '\uFFFD(\uFFFD\uFFFD\uFFFD';

function schemaProblems(messages: Message[]): string[] {
  const problems: string[] = [];
  for (const m of messages) {
    if (m.type !== 'RECORD') continue;
    const { stream, data } = m.record as { stream: string; data: unknown };
    const error = schemaErrors(streamByName(stream)!, data);
    if (error) problems.push(`${stream}: ${error}`);
  }
  return problems.slice(0, 5);
}

/** Documented: an omitted list maps to null, an empty one to [] (docs/reliability.md); compare alike. */
function emptyListsAsNull(view: View): View {
  const out: View = new Map();
  for (const [stream, rows] of view) {
    const mapped = new Map<string, Record<string, unknown>>();
    for (const [key, row] of rows) {
      const text = JSON.stringify(row, (_k, v: unknown) => (Array.isArray(v) && v.length === 0 ? null : v));
      mapped.set(key, JSON.parse(text) as Record<string, unknown>);
    }
    out.set(stream, mapped);
  }
  return out;
}

function withoutReplaced(messages: Message[]): Message[] {
  return JSON.parse(JSON.stringify(messages).split(REPLACED).join('')) as Message[];
}

/** The view with fabric_items' `extra` (the fields it does not map) left out. */
function withoutFabricExtra(view: View): View {
  const items = view.get('fabric_items');
  if (items === undefined) return view;
  const stripped = new Map([...items].map(([key, { extra: _extra, ...rest }]) => [key, rest]));
  return new Map([...view, ['fabric_items', stripped]]);
}

describe('odd API payloads (built CLI against the simulator)', () => {
  let sim: Simulator;
  let config: Record<string, unknown>;
  let clean: View;
  const read = async (corruptions: PayloadCorruption[]) => {
    sim.payloads.clear();
    sim.payloads.enable(...corruptions);
    try {
      const out = await runRead(config, catalogFor('incremental'));
      expect(findLeaks(out, configSecrets(sim.config))).toEqual([]);
      expect({ code: out.code, errors: traceErrors(out.messages) }).toEqual({ code: 0, errors: [] });
      expect(duplicateKeys(out.messages)).toEqual({});
      expect(schemaProblems(out.messages)).toEqual([]);
      return out;
    } finally {
      sim.payloads.clear();
    }
  };

  beforeAll(async () => {
    // 20 workspaces in batches of 5: four scans, so that a workspace can be listed in two batches.
    sim = await startSimulator({ seed: 12, workspaces: 20, scanDurationMs: 30 });
    config = { ...sim.config, scan: { poll_interval_seconds: 0.05, workspaces_per_scan: 5 } };
    const out = await read([]);
    clean = viewOf(out.messages);
    expect(clean.get('reports')!.size).toBeGreaterThan(10);
  });
  afterAll(async () => {
    await sim?.close();
  });

  test.each<[string, PayloadCorruption[]]>([
    ['unknown fields on every object', ['unknown-fields']],
    ['null and string items in every artifact list', ['null-items']],
    ['reports and datasets listed twice, workspaces listed twice', ['duplicate-ids']],
    ['a workspace listed in two batches', ['workspace-in-two-batches']],
    [
      'a modified list with repeats in other case, nulls, id-less and numeric entries',
      ['modified-list-noise'],
    ],
    ['all of these at once', ['unknown-fields', 'null-items', 'duplicate-ids', 'workspace-in-two-batches']],
  ])('%s: exactly the clean records', async (_label, corruptions) => {
    const out = await read(corruptions);
    const view = viewOf(out.messages);
    if (!corruptions.includes('unknown-fields')) {
      expect(diffViews(view, clean)).toEqual([]);
      return;
    }
    // fabric_items keeps every field it does not map in `extra` (item types change often): the
    // unknown fields must be there, and everything else must be the clean records.
    const extras = [...(view.get('fabric_items')?.values() ?? [])].map((row) => String(row['extra']));
    expect(extras.length).toBeGreaterThan(0);
    expect(extras.every((extra) => extra.includes('"zzFuture":true'))).toBe(true);
    expect(diffViews(withoutFabricExtra(view), withoutFabricExtra(clean))).toEqual([]);
  });

  test('empty arrays left out: the clean records, with null where the clean read had []', async () => {
    const out = await read(['empty-arrays-omitted']);
    const view = viewOf(out.messages);
    expect(diffViews(view, clean).length).toBeGreaterThan(0);
    expect(diffViews(emptyListsAsNull(view), emptyListsAsNull(clean))).toEqual([]);
  });

  test('names that are not UTF-8 arrive with U+FFFD in place of the broken bytes; nothing else changes', async () => {
    const out = await read(['non-utf8-names']);
    const names = out.messages
      .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === 'workspaces')
      .map((m) => (m.record as { data: { name: string | null } }).data.name);
    expect(names.filter((n) => n?.includes(REPLACED)).length).toBeGreaterThan(10);
    expect(diffViews(viewOf(withoutReplaced(out.messages)), clean)).toEqual([]);
  });

  test('a result without its workspace list is downloaded again, never read as "every workspace deleted"', async () => {
    const out = await read(['no-workspaces-array']);
    const tombstones = out.messages.filter(
      (m) =>
        m.type === 'RECORD' &&
        (m.record as { stream: string; data: { state?: string } }).stream === 'workspaces' &&
        (m.record as { data: { state?: string } }).data.state === 'Deleted',
    );
    const cleanDeleted = [...clean.get('workspaces')!.values()].filter((w) => w.state === 'Deleted');
    expect(tombstones).toHaveLength(cleanDeleted.length);
    expect(logText(out.messages)).toMatch(/no "workspaces" array/);
    expect(diffViews(viewOf(out.messages), clean)).toEqual([]);
  });
});
