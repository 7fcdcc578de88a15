/** The configured catalog a user would build in Airbyte from `discover`: every stream, deduped. */
import type { Column } from './duckdb-columns.js';
import { columnsOf } from './duckdb-columns.js';
import type { StreamTable } from './destination.js';

export interface DiscoveredStream {
  name: string;
  json_schema: unknown;
  supported_sync_modes: string[];
  source_defined_primary_key?: string[][];
  default_cursor_field?: string[];
}

export interface ConfiguredStream {
  stream: DiscoveredStream;
  sync_mode: 'incremental' | 'full_refresh';
  destination_sync_mode: 'append_dedup' | 'overwrite';
  cursor_field?: string[];
  primary_key: string[][];
}

export function configureCatalog(discovered: { streams: DiscoveredStream[] }): {
  streams: ConfiguredStream[];
} {
  return {
    streams: discovered.streams.map((stream) => {
      const primaryKey = stream.source_defined_primary_key ?? [];
      const incremental = stream.supported_sync_modes.includes('incremental') && primaryKey.length > 0;
      return incremental
        ? {
            stream,
            sync_mode: 'incremental',
            destination_sync_mode: 'append_dedup',
            cursor_field: stream.default_cursor_field ?? ['scannedAt'],
            primary_key: primaryKey,
          }
        : { stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', primary_key: primaryKey };
    }),
  };
}

/** The destination tables for a configured catalog. */
export function tablesFor(catalog: { streams: ConfiguredStream[] }): StreamTable[] {
  return catalog.streams.map((configured) => {
    const columns: Column[] = columnsOf(configured.stream.json_schema);
    return {
      name: configured.stream.name,
      columns,
      primaryKey: configured.primary_key.map((path) => path[0]!),
      incremental: configured.sync_mode === 'incremental',
    };
  });
}
