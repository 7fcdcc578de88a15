import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_SCANS_IN_FLIGHT, MAX_WORKSPACES_PER_SCAN } from '../../../src/powerbi/endpoints.js';
import { repoRoot } from '../../helpers/paths.js';

/** Each Power BI rule is written once in src/powerbi/; spec.json's bounds must say the same. */
describe('Power BI limits and the config bounds agree', () => {
  const spec = JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as {
    connectionSpecification: { properties: { scan: { properties: Record<string, { maximum?: number }> } } };
  };
  const scan = spec.connectionSpecification.properties.scan.properties;

  test('scans in flight', () => {
    expect(scan.max_scans_in_flight!.maximum).toBe(MAX_SCANS_IN_FLIGHT);
  });

  test('workspaces per scan', () => {
    expect(scan.workspaces_per_scan!.maximum).toBe(MAX_WORKSPACES_PER_SCAN);
  });
});
