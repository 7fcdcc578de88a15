import { parseConfiguredCatalog } from '../../../src/protocol/catalog.js';
import { parseInputState } from '../../../src/protocol/state.js';
import { ConnectorError } from '../../../src/errors.js';

const known = [
  { name: 'workspaces', supportedSyncModes: ['full_refresh', 'incremental'] as const },
  { name: 'apps', supportedSyncModes: ['full_refresh'] as const },
];

function entry(name: string, syncMode: string): Record<string, unknown> {
  return {
    stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh'] },
    sync_mode: syncMode,
    destination_sync_mode: 'append',
  };
}

describe('parseConfiguredCatalog', () => {
  test('returns the configured streams with their sync modes', () => {
    expect(
      parseConfiguredCatalog(
        { streams: [entry('workspaces', 'incremental'), entry('apps', 'full_refresh')] },
        known,
      ),
    ).toEqual([
      { name: 'workspaces', syncMode: 'incremental' },
      { name: 'apps', syncMode: 'full_refresh' },
    ]);
  });

  test.each([
    [
      { streams: [entry('nope', 'full_refresh')] },
      /unknown stream "nope". This connector has: workspaces, apps/,
    ],
    [{ streams: [entry('workspaces', 'INVALID')] }, /sync_mode must be "full_refresh" or "incremental"/],
    [
      { streams: [entry('apps', 'incremental')] },
      /does not support sync_mode "incremental"; use full_refresh/,
    ],
    [{ streams: [entry('apps', 'full_refresh'), entry('apps', 'full_refresh')] }, /configured twice/],
    [{ nope: true }, /must be a JSON object with a "streams" array/],
  ])('rejects %j with a config_error', (raw, message) => {
    expect(() => parseConfiguredCatalog(raw, known)).toThrow(message);
    try {
      parseConfiguredCatalog(raw, known);
    } catch (error) {
      expect((error as ConnectorError).failureType).toBe('config_error');
    }
  });
});

describe('parseInputState', () => {
  const stateOf = (name: string, streamState: unknown) => ({
    type: 'STREAM',
    stream: { stream_descriptor: { name }, stream_state: streamState },
  });

  test.each([[undefined], [null], [{}], [[]]])('%j means no state', (raw) => {
    const parsed = parseInputState(raw);
    expect(parsed.streams.size).toBe(0);
    expect(parsed.warnings).toEqual([]);
  });

  test('keeps the latest state per stream and accepts whole STATE messages', () => {
    const parsed = parseInputState([
      stateOf('a', { v: 1 }),
      { type: 'STATE', state: stateOf('a', { v: 2 }) },
      stateOf('b', { v: 3 }),
    ]);
    expect(Object.fromEntries(parsed.streams)).toEqual({ a: { v: 2 }, b: { v: 3 } });
  });

  test('a null stream_state resets that stream', () => {
    const parsed = parseInputState([stateOf('a', { v: 1 }), stateOf('a', null)]);
    expect(parsed.streams.has('a')).toBe(false);
  });

  test('LEGACY and malformed entries are ignored with warnings, never thrown', () => {
    expect(parseInputState({ cursor: 'x' }).warnings[0]).toMatch(/LEGACY/);
    const parsed = parseInputState([
      42,
      { type: 'GLOBAL' },
      stateOf('a', 'text'),
      stateOf('b', { ok: true }),
    ]);
    expect(parsed.warnings).toHaveLength(3);
    expect(Object.fromEntries(parsed.streams)).toEqual({ b: { ok: true } });
  });
});
