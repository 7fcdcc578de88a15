/** Runs a stream's mapping over a whole scan result, as the read command does batch by batch. */
import type { ScanResult } from '../../../src/powerbi/scan-types.js';
import type { MappingContext, StreamDefinition, StreamRecord } from '../../../src/streams/stream.js';

export function context(overrides: Partial<MappingContext> = {}): MappingContext {
  return {
    scannedAt: '2026-11-28T10:00:00.000Z',
    userIdentifiers: 'keep',
    lineage: { enabled: true },
    ...overrides,
  };
}

export function mapScan(stream: StreamDefinition, result: ScanResult, ctx: MappingContext): StreamRecord[] {
  const records: StreamRecord[] = [];
  for (const ws of result.workspaces ?? []) {
    if (stream.fromWorkspace) records.push(...stream.fromWorkspace(ws, ctx));
  }
  if (stream.fromBatch) {
    const batch = {
      datasourceInstances: result.datasourceInstances ?? [],
      misconfiguredDatasourceInstances: result.misconfiguredDatasourceInstances ?? [],
    };
    records.push(...stream.fromBatch(batch, ctx));
  }
  return records;
}

export function mapAll(streams: readonly StreamDefinition[], result: ScanResult, ctx: MappingContext) {
  return new Map(streams.map((stream) => [stream.name, mapScan(stream, result, ctx)]));
}
