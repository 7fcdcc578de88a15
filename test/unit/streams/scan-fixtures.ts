/**
 * Real-shaped scan results read from ../shared at test time (never copied into the project):
 * the Power BI sample and every scanResult in the DataHub mock responses.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ScanResult } from '../../../src/powerbi/scan-types.js';
import { sharedDir } from '../../helpers/paths.js';

export interface ScanFixture {
  label: string;
  result: ScanResult;
}

export const samplePath = path.join(sharedDir, 'powerbi-api', 'samples', 'scanResult.json');
const mocksDir = path.join(sharedDir, 'corpora', 'datahub-mock-responses');

export const sharedAvailable = existsSync(samplePath) && existsSync(mocksDir);
if (!sharedAvailable) {
  console.warn(
    `Scan-result samples not found under ${sharedDir}: the stream suites over real payloads are skipped.`,
  );
}

export function loadSample(): ScanResult {
  return JSON.parse(readFileSync(samplePath, 'utf8')) as ScanResult;
}

function mockScanResults(): ScanFixture[] {
  const fixtures: ScanFixture[] = [];
  for (const file of readdirSync(mocksDir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const responses = JSON.parse(readFileSync(path.join(mocksDir, file), 'utf8')) as Record<
      string,
      { json?: unknown }
    >;
    for (const [url, response] of Object.entries(responses)) {
      if (!url.includes('/admin/workspaces/scanResult/')) continue;
      fixtures.push({ label: `${file} ${url.split('/').pop()}`, result: response.json as ScanResult });
    }
  }
  return fixtures;
}

export function allFixtures(): ScanFixture[] {
  if (!sharedAvailable) return [];
  return [{ label: 'powerbi-api sample', result: loadSample() }, ...mockScanResults()];
}
