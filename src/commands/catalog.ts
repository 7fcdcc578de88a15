import { configError } from '../errors.js';
import type { AirbyteMessage, AirbyteStream, SyncMode } from '../protocol/messages.js';
import { sanitize } from '../protocol/untrusted-text.js';
import type { SecretRegistry } from '../secrets.js';
import { streams as registry } from '../streams/registry.js';
import { discoverCommand } from './discover.js';

export interface ConfiguredStreamEntry {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode: 'append_dedup' | 'overwrite';
  cursor_field: string[];
  primary_key: string[][];
}

export interface CatalogRequest {
  /** Stream names to configure; every stream discover lists when absent. */
  streams?: readonly string[];
  mode?: SyncMode;
}

function discoveredStreams(messages: Iterable<AirbyteMessage>): AirbyteStream[] {
  for (const message of messages) if (message.type === 'CATALOG') return message.catalog.streams;
  return [];
}

function selectStreams(discovered: AirbyteStream[], wanted: readonly string[] | undefined): AirbyteStream[] {
  if (wanted === undefined || wanted.length === 0) return discovered;
  const byName = new Map(discovered.map((stream) => [stream.name, stream]));
  const unknown = wanted.filter((name) => !byName.has(name)).map((name) => sanitize(name, 200, true));
  if (unknown.length > 0) {
    const disabled = unknown.filter((name) => registry.some((stream) => stream.name === name));
    const note =
      disabled.length > 0
        ? ` ${disabled.map((n) => `"${n}"`).join(', ')} must first be enabled in the config.`
        : '';
    throw configError(
      `--streams: unknown stream ${unknown.map((n) => `"${n}"`).join(', ')}.${note} ` +
        `This config's streams: ${discovered.map((s) => s.name).join(', ')}.`,
    );
  }
  return [...new Set(wanted)].map((name) => byName.get(name)!);
}

/** One stream as `read` expects it: dedup on the source's key for incremental, replace for full refresh. */
export function toConfiguredStream(stream: AirbyteStream, mode: SyncMode): ConfiguredStreamEntry {
  return {
    stream,
    sync_mode: mode,
    destination_sync_mode: mode === 'incremental' ? 'append_dedup' : 'overwrite',
    cursor_field: stream.default_cursor_field ?? [],
    primary_key: stream.source_defined_primary_key ?? [],
  };
}

/**
 * catalog (a helper, not an Airbyte command): the configured catalog `read` takes, built from what
 * discover lists for this config, so the streams, keys and cursors are exactly discover's.
 */
export function configuredCatalog(
  rawConfig: unknown,
  secrets: SecretRegistry,
  request: CatalogRequest,
): { streams: ConfiguredStreamEntry[] } {
  const discovered = discoveredStreams(discoverCommand(rawConfig, secrets));
  const mode = request.mode ?? 'incremental';
  return { streams: selectStreams(discovered, request.streams).map((s) => toConfiguredStream(s, mode)) };
}
