import { configError } from '../../errors.js';
import type { AirbyteStream, JsonObject } from '../../protocol/messages.js';

/** A stream of a Singer catalog (the --discover output, and Meltano's --catalog input). */
export interface SingerStream {
  tap_stream_id: string;
  stream: string;
  schema: JsonObject;
  key_properties: string[];
  metadata: { breadcrumb: string[]; metadata: JsonObject }[];
}

export function toSingerStream(stream: AirbyteStream): SingerStream {
  const keys = (stream.source_defined_primary_key ?? []).map((path) => path[0]!);
  return {
    tap_stream_id: stream.name,
    stream: stream.name,
    schema: stream.json_schema,
    key_properties: keys,
    metadata: [
      {
        breadcrumb: [],
        metadata: {
          'table-key-properties': keys,
          'forced-replication-method': 'INCREMENTAL',
          'valid-replication-keys': stream.default_cursor_field ?? [],
          inclusion: 'available',
        },
      },
    ],
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface SelectedSingerStream {
  name: string;
  syncMode: 'full_refresh' | 'incremental';
  schema: JsonObject;
  keyProperties: string[];
}

/** The streams a Singer catalog selects (stream-level metadata `selected: true`, or the old top-level flag). */
export function selectedStreams(raw: unknown): SelectedSingerStream[] {
  if (!isObject(raw) || !Array.isArray(raw.streams)) {
    throw configError(
      'The Singer catalog must be a JSON object with a "streams" array (run --discover to get one).',
    );
  }
  const selected = raw.streams.filter(isObject).flatMap((stream) => {
    const name = typeof stream.tap_stream_id === 'string' ? stream.tap_stream_id : stream.stream;
    if (typeof name !== 'string') return [];
    const metadata = Array.isArray(stream.metadata) ? stream.metadata.filter(isObject) : [];
    const top = metadata.find((m) => Array.isArray(m.breadcrumb) && m.breadcrumb.length === 0)?.metadata;
    const topMetadata = isObject(top) ? top : {};
    if (topMetadata.selected !== true && stream.selected !== true) return [];
    const method = topMetadata['replication-method'] ?? stream.replication_method;
    return [
      {
        name,
        syncMode: method === 'FULL_TABLE' ? ('full_refresh' as const) : ('incremental' as const),
        schema: isObject(stream.schema) ? stream.schema : {},
        keyProperties: Array.isArray(stream.key_properties) ? stream.key_properties.map(String) : [],
      },
    ];
  });
  if (selected.length === 0) {
    throw configError('The Singer catalog selects no stream: mark streams with metadata "selected": true.');
  }
  return selected;
}

/** The Airbyte ConfiguredAirbyteCatalog the read command takes, for the selected Singer streams. */
export function toConfiguredCatalog(streams: SelectedSingerStream[]): JsonObject {
  return {
    streams: streams.map((s) => ({
      stream: { name: s.name, json_schema: s.schema, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: s.syncMode,
      destination_sync_mode: 'append',
    })),
  };
}

/** Singer state `{"bookmarks": {stream: state}}` as the per-stream Airbyte state messages read takes. */
export function toAirbyteState(raw: unknown): JsonObject[] {
  const bookmarks = isObject(raw) && isObject(raw.bookmarks) ? raw.bookmarks : {};
  return Object.entries(bookmarks)
    .filter(([, value]) => isObject(value))
    .map(([name, value]) => ({
      type: 'STREAM',
      stream: { stream_descriptor: { name }, stream_state: value },
    }));
}
