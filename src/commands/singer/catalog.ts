import { configError } from '../../errors.js';
import type { AirbyteStream, JsonObject } from '../../protocol/messages.js';

interface MetadataEntry {
  breadcrumb: string[];
  metadata: JsonObject;
}

/** A stream of a Singer catalog (the --discover output, and Meltano's --catalog input). */
export interface SingerStream {
  tap_stream_id: string;
  stream: string;
  schema: JsonObject;
  key_properties: string[];
  metadata: MetadataEntry[];
}

/**
 * Singer metadata: the stream entry (keys, replication) and one entry per top-level field. Key and
 * replication-key fields are `automatic` (always sent); every other field is `available` and
 * selected unless the catalog deselects it.
 */
export function toSingerStream(stream: AirbyteStream): SingerStream {
  const keys = (stream.source_defined_primary_key ?? []).map((path) => path[0]!);
  const replicationKeys = stream.default_cursor_field ?? [];
  const automatic = new Set([...keys, ...replicationKeys]);
  const properties = Object.keys((stream.json_schema.properties as JsonObject | undefined) ?? {});
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
          'valid-replication-keys': replicationKeys,
          inclusion: 'available',
          'selected-by-default': true,
        },
      },
      ...properties.map((field) => ({
        breadcrumb: ['properties', field],
        metadata: {
          inclusion: automatic.has(field) ? 'automatic' : 'available',
          'selected-by-default': true,
        },
      })),
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
  /** Top-level fields the catalog deselected; records and the SCHEMA message leave them out. */
  deselectedFields: string[];
}

function metadataEntries(stream: JsonObject): MetadataEntry[] {
  const entries = Array.isArray(stream.metadata) ? stream.metadata.filter(isObject) : [];
  return entries.flatMap((entry) =>
    Array.isArray(entry.breadcrumb) && isObject(entry.metadata)
      ? [{ breadcrumb: entry.breadcrumb.map(String), metadata: entry.metadata }]
      : [],
  );
}

/** Singer's rule: `selected` wins, else `selected-by-default`; `automatic` fields are always sent. */
function isSelected(metadata: JsonObject | undefined): boolean {
  if (metadata?.inclusion === 'automatic') return true;
  const selected = metadata?.selected ?? metadata?.['selected-by-default'];
  return selected === true;
}

function deselectedFieldsOf(entries: MetadataEntry[]): string[] {
  return entries
    .filter((e) => e.breadcrumb.length === 2 && e.breadcrumb[0] === 'properties')
    .filter((e) => e.metadata.inclusion === 'unsupported' || !isSelected(e.metadata))
    .map((e) => e.breadcrumb[1]!);
}

/** The streams a Singer catalog selects (stream metadata `selected`, `selected-by-default`, or the old top-level flag). */
export function selectedStreams(raw: unknown): SelectedSingerStream[] {
  if (!isObject(raw) || !Array.isArray(raw.streams)) {
    throw configError(
      'The Singer catalog must be a JSON object with a "streams" array (run --discover to get one).',
    );
  }
  const selected = raw.streams.filter(isObject).flatMap((stream) => {
    const name = typeof stream.tap_stream_id === 'string' ? stream.tap_stream_id : stream.stream;
    if (typeof name !== 'string') return [];
    const entries = metadataEntries(stream);
    const top = entries.find((e) => e.breadcrumb.length === 0)?.metadata ?? {};
    if (!(stream.selected === true || (top.selected ?? top['selected-by-default']) === true)) return [];
    const method = top['replication-method'] ?? stream.replication_method;
    const keyProperties = Array.isArray(stream.key_properties) ? stream.key_properties.map(String) : [];
    const replicationKeys = Array.isArray(top['valid-replication-keys'])
      ? top['valid-replication-keys'].map(String)
      : [];
    const alwaysSent = new Set([...keyProperties, ...replicationKeys]);
    return [
      {
        name,
        syncMode: method === 'FULL_TABLE' ? ('full_refresh' as const) : ('incremental' as const),
        schema: isObject(stream.schema) ? stream.schema : {},
        keyProperties,
        deselectedFields: deselectedFieldsOf(entries).filter((field) => !alwaysSent.has(field)),
      },
    ];
  });
  if (selected.length === 0) {
    throw configError('The Singer catalog selects no stream: mark streams with metadata "selected": true.');
  }
  return selected;
}

/** The stream's schema without its deselected fields (also dropped from `required`). */
export function selectedSchema(stream: SelectedSingerStream): JsonObject {
  if (stream.deselectedFields.length === 0) return stream.schema;
  const drop = new Set(stream.deselectedFields);
  const properties = isObject(stream.schema.properties) ? stream.schema.properties : {};
  const required = Array.isArray(stream.schema.required) ? stream.schema.required : undefined;
  return {
    ...stream.schema,
    properties: Object.fromEntries(Object.entries(properties).filter(([key]) => !drop.has(key))),
    ...(required && { required: required.filter((key) => !drop.has(String(key))) }),
  };
}

/** The record without the deselected fields. */
export function selectedRecord(stream: SelectedSingerStream, data: JsonObject): JsonObject {
  if (stream.deselectedFields.length === 0) return data;
  const drop = new Set(stream.deselectedFields);
  return Object.fromEntries(Object.entries(data).filter(([key]) => !drop.has(key)));
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
