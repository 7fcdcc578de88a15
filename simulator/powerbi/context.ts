import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimClock } from '../clock.js';
import type { BearerClaims, EntraApp, EntraSim } from '../entra/index.js';
import type { FiredFault } from '../faults.js';
import type { PayloadCorruptions } from '../payload-corruption.js';
import type { ActivityLog } from '../tenant/activity.js';
import type { Tenant } from '../tenant/tenant.js';
import type { TenantSettings } from '../tenant/types.js';
import type { FabricSim } from '../fabric/fabric-sim.js';
import type { ScanRegistry } from './scans.js';

/** What Power BI route handlers share. */
export interface PowerBiContext {
  tenant: Tenant;
  clock: SimClock;
  /** Live tenant settings; tests may flip them between calls. */
  settings: TenantSettings;
  scans: ScanRegistry;
  entra: EntraSim;
  apps: Map<string, EntraApp>;
  activity: ActivityLog;
  maxScansInFlight: number;
  /** Odd-but-well-formed payloads for bad-input tests (off unless enabled). */
  payloads: PayloadCorruptions;
  /** The Fabric API (report definitions, long-running operations). */
  fabric: FabricSim;
}

export interface PowerBiRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  origin: string;
  claims: BearerClaims;
  /** A fault that lets the request through but changes its outcome (scan-failed, result-expired...). */
  fault: FiredFault | undefined;
  /** Path captures (ids). */
  params: string[];
}
