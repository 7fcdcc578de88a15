/**
 * The standard suite, part 1: every stream in the registry, scan and api streams alike, declares a
 * valid schema with its key and cursor; every scan stream maps every real-shaped and simulated scan result into
 * records valid against that schema, keys present, non-null and unique, one per artifact. Part 2
 * (test/e2e/stream-suite.test.ts) reads every stream at once from the simulator: records, keys,
 * statuses, estimates and the state round trip. A stream added to the registry is covered by both.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { scanStreams, streams } from '../../../src/streams/registry.js';
import type { StreamDefinition } from '../../../src/streams/stream.js';
import { repoRoot } from '../../helpers/paths.js';
import { expectedCounts } from './expected-counts.js';
import { context, mapScan } from './map-scan.js';
import { schemaErrors, validatorFor } from './record-validator.js';
import { allFixtures, peerMocksAvailable } from './scan-fixtures.js';

const fixtures = allFixtures();
const modes = ['keep', 'hash', 'drop'] as const;

function keyOf(record: Record<string, unknown>, primaryKey: string[][]): string {
  return JSON.stringify(primaryKey.map(([field]) => record[field as string]));
}

describe.each(streams.map((stream) => [stream.name, stream] as const))(
  'stream %s',
  (_name, stream: StreamDefinition) => {
    it('has a draft-07 schema in schemas/<name>.json that compiles strictly', () => {
      expect(readdirSync(path.join(repoRoot, 'schemas'))).toContain(`${stream.name}.json`);
      expect(stream.jsonSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(() => validatorFor(stream)).not.toThrow();
    });

    it('declares its primary key as required strings and its cursor as a date-time', () => {
      expect(stream.primaryKey.length).toBeGreaterThan(0);
      for (const [field] of stream.primaryKey) {
        expect(stream.jsonSchema.required).toContain(field);
        expect(stream.jsonSchema.properties[field!]).toMatchObject({ type: 'string' });
      }
      expect(stream.cursorField).toHaveLength(1);
      expect(stream.jsonSchema.properties[stream.cursorField[0]!]).toMatchObject({ format: 'date-time' });
      if (stream.kind === 'scan') {
        expect(stream.cursorField).toEqual(['scannedAt']);
        expect(stream.jsonSchema.required).toContain('scannedAt');
      }
    });
  },
);

describe('every scan stream over every scan result', () => {
  // The Power BI sample and the peer's mocks (../shared) when present, always the simulated scans.
  it('has scan results to map', () => {
    expect(fixtures.filter((f) => f.label.startsWith('simulated')).length).toBeGreaterThanOrEqual(3);
    if (peerMocksAvailable) expect(fixtures.length).toBeGreaterThanOrEqual(12);
  });

  describe.each(scanStreams.map((stream) => [stream.name, stream] as const))('%s', (_name, stream) => {
    it.each(fixtures.map((f) => [f.label, f] as const))(
      'maps %s into valid, keyed, unique records',
      async (_l, f) => {
        for (const mode of modes) {
          const records = await mapScan(stream, f.result, context({ userIdentifiers: mode }));
          const keys = new Set<string>();
          for (const record of records) {
            expect(schemaErrors(stream, record)).toBeNull();
            for (const [field] of stream.primaryKey) {
              const value = record[field as string];
              expect(typeof value).toBe('string');
              expect(value).not.toBe('');
            }
            expect(record.scannedAt).toBe('2026-11-28T10:00:00.000Z');
            keys.add(keyOf(record, stream.primaryKey));
          }
          expect(keys.size).toBe(records.length);
        }
      },
    );

    it.each(fixtures.map((f) => [f.label, f] as const))(
      'emits one record per artifact of %s',
      async (_l, f) => {
        // Lineage from M is switched off so that the lineage count is exactly the id-based edges.
        const records = await mapScan(stream, f.result, context({ lineage: { enabled: false } }));
        expect(records).toHaveLength(expectedCounts(f.result)[stream.name] ?? 0);
      },
    );
  });
});
