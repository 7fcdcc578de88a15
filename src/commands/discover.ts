import { parseOptions } from '../config/config.js';
import {
  catalogMessage,
  type AirbyteMessage,
  type AirbyteStream,
  type JsonObject,
} from '../protocol/messages.js';
import type { SecretRegistry } from '../secrets.js';
import { streams } from '../streams/registry.js';
import type { StreamDefinition } from '../streams/stream.js';

/**
 * Airbyte's acceptance tests allow `additionalProperties` only as `true` in catalog schemas; the
 * files in schemas/ stay strict (our tests reject undeclared fields), the catalog is permissive.
 */
export function permissiveSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(permissiveSchema);
  if (schema === null || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema as JsonObject).map(([key, value]) =>
    key === 'additionalProperties' ? [key, true] : [key, permissiveSchema(value)],
  );
  return Object.fromEntries(entries);
}

/**
 * A full_refresh read of the stream given the state of an interrupted one continues it: scan streams
 * (the scan's unfinished `pending` part) and api streams that declare it. Others start over, so they
 * say so: the platform then does not treat their full refresh as resumable.
 */
export function isResumable(stream: StreamDefinition): boolean {
  return stream.kind === 'scan' || stream.fullRefreshResumes === true;
}

/**
 * Every stream is incremental (its cursor lives in state); in records, the stream's cursor field is
 * the one a destination dedups on (scan streams: `scannedAt`, the latest scan of a row wins).
 */
export function toAirbyteStream(stream: StreamDefinition): AirbyteStream {
  return {
    name: stream.name,
    json_schema: permissiveSchema(stream.jsonSchema) as JsonObject,
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    default_cursor_field: stream.cursorField,
    source_defined_primary_key: stream.primaryKey,
    is_resumable: isResumable(stream),
  };
}

/**
 * discover validates the config and lists the streams (api streams only when the config enables
 * them); it makes no API call and no scan.
 */
export function* discoverCommand(rawConfig: unknown, secrets: SecretRegistry): Iterable<AirbyteMessage> {
  const options = parseOptions(rawConfig, secrets);
  const listed = streams.filter((s) => s.kind === 'scan' || s.enabled(options));
  yield catalogMessage(listed.map((s) => toAirbyteStream(s)));
}
