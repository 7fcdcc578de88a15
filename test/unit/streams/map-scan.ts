/** Runs a stream's mapping over a whole scan result, as the read command does batch by batch. */
import type { ScanResult } from '../../../src/powerbi/scan-types.js';
import { streamByName } from '../../../src/streams/registry.js';
import type { MappingContext, ScanStreamDefinition, StreamRecord } from '../../../src/streams/stream.js';

export function context(overrides: Partial<MappingContext> = {}): MappingContext {
  return {
    scannedAt: '2026-11-28T10:00:00.000Z',
    userIdentifiers: 'keep',
    lineage: { enabled: true },
    ...overrides,
  };
}

/** A registered scan stream by name (the test fails when there is none). */
export function scanStream(name: string): ScanStreamDefinition {
  const stream = streamByName(name);
  if (stream?.kind !== 'scan') throw new Error(`${name} is not a registered scan stream`);
  return stream;
}

export async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of source) items.push(item);
  return items;
}

export async function mapScan(
  stream: ScanStreamDefinition,
  result: ScanResult,
  ctx: MappingContext,
): Promise<StreamRecord[]> {
  const records: StreamRecord[] = [];
  for (const ws of result.workspaces ?? []) {
    if (stream.fromWorkspace) records.push(...(await collect(stream.fromWorkspace(ws, ctx))));
  }
  if (stream.fromBatch) {
    const batch = {
      datasourceInstances: result.datasourceInstances ?? [],
      misconfiguredDatasourceInstances: result.misconfiguredDatasourceInstances ?? [],
    };
    records.push(...(await collect(stream.fromBatch(batch, ctx))));
  }
  return records;
}

export async function mapAll(
  streams: readonly ScanStreamDefinition[],
  result: ScanResult,
  ctx: MappingContext,
) {
  const all = new Map<string, StreamRecord[]>();
  for (const stream of streams) all.set(stream.name, await mapScan(stream, result, ctx));
  return all;
}
