/**
 * The suite every stream in the registry goes through, over every real-shaped scan result:
 * each record validates against the stream's schema, keys are present, non-null and unique, and
 * the number of records equals the number of artifacts in the input.
 */
import { streams } from '../../../src/streams/registry.js';
import { expectedCounts } from './expected-counts.js';
import { context, mapScan } from './map-scan.js';
import { schemaErrors } from './record-validator.js';
import { allFixtures, sharedAvailable } from './scan-fixtures.js';

const fixtures = allFixtures();
const modes = ['keep', 'hash', 'drop'] as const;

function keyOf(record: Record<string, unknown>, primaryKey: string[][]): string {
  return JSON.stringify(primaryKey.map(([field]) => record[field as string]));
}

(sharedAvailable ? describe : describe.skip)('every stream over every scan result', () => {
  it('has scan results to map', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(9);
  });

  describe.each(streams.map((stream) => [stream.name, stream] as const))('%s', (_name, stream) => {
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

  it('declares scannedAt and a string primary key in every schema', () => {
    for (const stream of streams) {
      expect(stream.jsonSchema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(stream.jsonSchema.properties.scannedAt).toMatchObject({ format: 'date-time' });
      expect(stream.primaryKey.length).toBeGreaterThan(0);
    }
  });
});
