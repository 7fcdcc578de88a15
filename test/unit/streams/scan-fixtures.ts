/**
 * Scan results the stream suites map. Real-shaped ones are read from ../shared at test time (never
 * copied into the project): the Power BI sample and every scanResult in the peer project's mocked
 * responses. Simulated ones come from the simulator's generated tenant and are always there, so a
 * clone without ../shared still runs every suite (test/global-setup.ts gives the one notice).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Tenant } from '../../../simulator/tenant/tenant.js';
import { viewWorkspace } from '../../../simulator/tenant/scan-view.js';
import { ALL_FLAGS, type ScanFlags, type TenantSettings } from '../../../simulator/tenant/types.js';
import type { ScanResult, ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import { sharedAvailable, sharedPath } from '../../helpers/shared-reference.js';

export interface ScanFixture {
  label: string;
  result: ScanResult;
}

export const samplePath = sharedPath('scanSample');
export const sampleAvailable = sharedAvailable('scanSample');
export const peerMocksAvailable = sharedAvailable('peerScanMocks');

export function loadSample(): ScanResult {
  return JSON.parse(readFileSync(samplePath, 'utf8')) as ScanResult;
}

function peerMockScanResults(): ScanFixture[] {
  const mocksDir = sharedPath('peerScanMocks');
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

const SIMULATED = { seed: 8, workspaces: 8 } as const;
const ALL_SETTINGS: TenantSettings = {
  allowServicePrincipalsReadOnlyAdminApis: true,
  enhancedMetadata: true,
  daxAndMashup: true,
};

/**
 * A scan of every workspace of a generated tenant after one round of changes (artifacts added and
 * removed, a workspace deleted, one added), as the simulator serves it for these flags.
 */
export function simulatedScan(flags: ScanFlags = ALL_FLAGS, settings = ALL_SETTINGS): ScanResult {
  const tenant = new Tenant({
    ...SIMULATED,
    startMs: Date.parse('2026-11-28T09:00:00Z'),
    emailDomain: 'contoso.com',
    scannerApp: { clientId: '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90', displayName: 'Catalog Scanner' },
  });
  tenant.mutate({ workspaces: 5, seed: 1 }, Date.parse('2026-11-28T10:00:00Z'));
  const workspaces: ScanWorkspace[] = [];
  // One instance per datasource id for the whole scan, as the simulator serves it.
  const instances = new Map<string, unknown>();
  const misconfigured = new Map<string, unknown>();
  for (let index = 0; index < tenant.size; index++) {
    const built = tenant.build(index);
    workspaces.push(viewWorkspace(built.workspace, flags, settings) as unknown as ScanWorkspace);
    for (const d of built.datasources) instances.set(d.datasourceId, d);
    for (const d of built.misconfigured) misconfigured.set(d.datasourceId, d);
  }
  if (!flags.datasourceDetails) return { workspaces };
  return {
    workspaces,
    datasourceInstances: [...instances.values()],
    misconfiguredDatasourceInstances: [...misconfigured.values()],
  } as ScanResult;
}

/** The simulated scans: every getInfo flag, then the leaner shapes a scan with fewer flags returns. */
export function simulatedFixtures(): ScanFixture[] {
  const label = `simulated tenant (seed ${SIMULATED.seed}, ${SIMULATED.workspaces} workspaces)`;
  const lean = { ...ALL_FLAGS, datasetSchema: false, datasetExpressions: false, getArtifactUsers: false };
  return [
    { label: `${label}, every flag`, result: simulatedScan() },
    { label: `${label}, lineage without schema or users`, result: simulatedScan(lean) },
    {
      label: `${label}, without DAX and mashup expressions`,
      result: simulatedScan(ALL_FLAGS, { ...ALL_SETTINGS, daxAndMashup: false }),
    },
  ];
}

/** The scan the targeted stream cases run on: the Power BI sample when present, and the simulated one. */
export function referenceScans(): ScanFixture[] {
  return [
    ...(sampleAvailable ? [{ label: 'Power BI sample', result: loadSample() }] : []),
    { label: 'simulated tenant', result: simulatedScan() },
  ];
}

/** Every scan result at hand: the Power BI sample and the peer's mocks when present, the simulated ones. */
export function allFixtures(): ScanFixture[] {
  return [
    ...(sampleAvailable ? [{ label: 'powerbi-api sample', result: loadSample() }] : []),
    ...(peerMocksAvailable ? peerMockScanResults() : []),
    ...simulatedFixtures(),
  ];
}
