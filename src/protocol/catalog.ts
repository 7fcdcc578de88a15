import { configError } from '../errors.js';
import { sanitize } from './untrusted-text.js';
import type { SyncMode } from './messages.js';

export interface ConfiguredStream {
  name: string;
  syncMode: SyncMode;
}

export interface KnownStream {
  name: string;
  supportedSyncModes: readonly SyncMode[];
}

const SYNC_MODES: readonly SyncMode[] = ['full_refresh', 'incremental'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const CONFIGURED_CATALOG_HINT =
  'read takes a configured catalog, which wraps each stream discover lists as ' +
  '{"stream": {...}, "sync_mode": "incremental", "destination_sync_mode": "append_dedup", ...}. ' +
  'Build one with: source-powerbi catalog --config FILE [--streams a,b] [--mode incremental|full_refresh] ' +
  '(a helper, not an Airbyte command).';

/** discover's CATALOG message, or its `catalog` part: streams listed bare, without sync modes. */
function isDiscoveredCatalog(raw: unknown): boolean {
  if (!isObject(raw)) return false;
  if (raw.type === 'CATALOG' && isObject(raw.catalog)) return true;
  return (
    Array.isArray(raw.streams) &&
    raw.streams.some((entry) => isObject(entry) && entry.stream === undefined && 'json_schema' in entry)
  );
}

/**
 * Checks a ConfiguredAirbyteCatalog against the streams this connector has. Anything wrong is a
 * config_error naming the stream and the fix: silently ignoring a bad catalog would hide data loss.
 */
export function parseConfiguredCatalog(raw: unknown, known: readonly KnownStream[]): ConfiguredStream[] {
  if (isDiscoveredCatalog(raw)) {
    throw configError(
      `The catalog is discover's output (an AirbyteCatalog), not a configured catalog: ${CONFIGURED_CATALOG_HINT}`,
    );
  }
  if (!isObject(raw) || !Array.isArray(raw.streams)) {
    throw configError(
      `The catalog must be a JSON object with a "streams" array (a ConfiguredAirbyteCatalog): ${CONFIGURED_CATALOG_HINT}`,
    );
  }
  const byName = new Map(known.map((stream) => [stream.name, stream]));
  const seen = new Set<string>();
  return raw.streams.map((entry, index) => {
    const where = `catalog.streams[${index}]`;
    if (!isObject(entry) || !isObject(entry.stream) || typeof entry.stream.name !== 'string') {
      throw configError(`${where} must be an object with stream.name. ${CONFIGURED_CATALOG_HINT}`);
    }
    const stream = byName.get(entry.stream.name);
    const name = stream ? stream.name : sanitize(entry.stream.name, 200, true);
    if (!stream) {
      const names = known.map((s) => s.name).join(', ');
      throw configError(`${where}: unknown stream "${name}". This connector has: ${names}.`);
    }
    if (seen.has(name)) throw configError(`${where}: stream "${name}" is configured twice; keep one entry.`);
    seen.add(name);
    const syncMode = entry.sync_mode;
    if (typeof syncMode !== 'string' || !SYNC_MODES.includes(syncMode as SyncMode)) {
      throw configError(
        `${where}: sync_mode must be "full_refresh" or "incremental", not ${sanitize(String(JSON.stringify(syncMode)), 100, true)}.`,
      );
    }
    if (!stream.supportedSyncModes.includes(syncMode as SyncMode)) {
      throw configError(
        `${where}: stream "${name}" does not support sync_mode "${syncMode}"; use ${stream.supportedSyncModes.join(' or ')}.`,
      );
    }
    return { name, syncMode: syncMode as SyncMode };
  });
}
