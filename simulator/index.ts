import { createClock } from './clock.js';
import { connectorConfig, type ConnectorConfig, type CredentialKind } from './connector-config.js';
import { createCredentials, type SimulatorCredentials } from './credentials.js';
import { createEntra, type EntraApp, type EntraSim } from './entra/index.js';
import { FabricSim, type FabricOptions } from './fabric/fabric-sim.js';
import { Faults, parseFaultSpec } from './faults.js';
import { PayloadCorruptions } from './payload-corruption.js';
import { Budgets, type BudgetOverrides } from './powerbi/budgets.js';
import type { PowerBiContext } from './powerbi/context.js';
import { ScanRegistry } from './powerbi/scans.js';
import { startServer } from './server.js';
import { RequestStats } from './stats.js';
import { ActivityLog } from './tenant/activity.js';
import { Tenant, type MutationResult } from './tenant/tenant.js';
import type { TenantSettings } from './tenant/types.js';
import { createTlsMaterial } from './tls.js';

export type { ConnectorConfig, CredentialKind } from './connector-config.js';
export type { SimulatorCredentials } from './credentials.js';
export type { FaultKind, FaultScript } from './faults.js';
export type { PayloadCorruption } from './payload-corruption.js';
export type { Tenant, MutationResult, WorkspaceSummary, ArtifactCounts } from './tenant/tenant.js';
export type { ScanFlags, ScanWorkspace, TenantSettings } from './tenant/types.js';
export type { ExpectedUpstream, TableLineageTruth } from './tenant/lineage-truth.js';
export type { ColumnLineageTruth, ExpectedColumnRow } from './tenant/column-truth.js';
export { columnRowKey } from './tenant/column-truth.js';
export { SIMULATED_ODBC_DSNS } from './tenant/m-sources.js';

export interface SimulatorOptions {
  /** Tenant seed (default 42). Same seed, same tenant. */
  seed?: number;
  /** Number of workspaces, 1..50,000 (default 200). */
  workspaces?: number;
  /** Time from getInfo to Succeeded (default 1000 ms; 0 = immediately). */
  scanDurationMs?: number;
  /** Delay added to every response (default 0). */
  latencyMs?: number;
  /** Access-token lifetime (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Tenant settings; all on by default. */
  settings?: Partial<TenantSettings>;
  /** Probabilistic faults, e.g. "429=0.05,503=0.02,reset=0.01". */
  faults?: string;
  /** Fixed simulated start instant (ms or ISO string); default now. */
  startTime?: number | string;
  /** Per-endpoint hourly limits replacing Microsoft's (0 = unlimited). */
  budgets?: BudgetOverrides;
  /** Scans in flight before getInfo answers 429 (default 16). */
  maxScansInFlight?: number;
  /** Listening port on 127.0.0.1 (default 0 = any free port). */
  port?: number;
  /** The Fabric API (report definitions): Retry-After of its long-running operations. */
  fabric?: FabricOptions;
}

export interface SimulatorStats {
  requests: Record<string, number>;
  throttled: Record<string, number>;
  statuses: Record<string, number>;
  scansCreated: number;
  scansInFlight: number;
  peakScansInFlight: number;
  tokenRequests: number;
  tokenErrors: number;
  faultsFired: Record<string, number>;
  now: string;
}

export interface Simulator {
  /** Origin, e.g. https://127.0.0.1:PORT (Entra and Power BI share it). */
  url: string;
  caCertificate: string;
  tenant: Tenant;
  entra: EntraSim;
  /** Connector config for the default service principal (client secret). */
  config: ConnectorConfig;
  /** Config for another credential type; refresh-token configs carry a freshly issued token. */
  configFor(kind: CredentialKind): ConnectorConfig;
  credentials: SimulatorCredentials;
  /** Live tenant settings: assign to toggle between calls. */
  settings: TenantSettings;
  faults: Faults;
  /** Odd-but-well-formed payloads (simulator/payload-corruption.ts); off until enabled. */
  payloads: PayloadCorruptions;
  /** The Fabric API: report definitions (ground truth: fabric.truth), operations, access knobs. */
  fabric: FabricSim;
  stats(): SimulatorStats;
  mutate(request: { workspaces: number; seed: number }): MutationResult;
  advanceClock(ms: number): void;
  /** Simulated now (ms). */
  now(): number;
  close(): Promise<void>;
}

function startMs(value: SimulatorOptions['startTime']): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`invalid startTime ${String(value)}`);
  return ms;
}

/** Starts Entra + Power BI on one HTTPS server on 127.0.0.1. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 42;
  const workspaces = options.workspaces ?? 200;
  if (!Number.isInteger(workspaces) || workspaces < 1 || workspaces > 50_000)
    throw new Error('workspaces must be 1..50000');
  const fixedStart = startMs(options.startTime);
  const clock = createClock(fixedStart);
  const tenantDomain = 'contoso.onmicrosoft.com';
  const { credentials, apps } = createCredentials(seed, tenantDomain);
  const tenant = new Tenant({
    seed,
    workspaces,
    startMs: fixedStart ?? clock.now(),
    emailDomain: 'contoso.com',
    scannerApp: { clientId: credentials.secretApp.clientId, displayName: 'Contoso Catalog Scanner' },
  });
  const entraOptions = { tenantId: credentials.tenantId, tenantDomain, apps, now: () => clock.now() };
  const entra = createEntra(
    options.tokenLifetimeSeconds === undefined
      ? entraOptions
      : { ...entraOptions, tokenLifetimeSeconds: options.tokenLifetimeSeconds },
  );
  const settings: TenantSettings = {
    allowServicePrincipalsReadOnlyAdminApis: true,
    enhancedMetadata: true,
    daxAndMashup: true,
    ...options.settings,
  };
  const scanDuration = options.scanDurationMs ?? 1000;
  const powerbi: PowerBiContext = {
    tenant,
    clock,
    settings,
    scans: new ScanRegistry(clock, () => scanDuration),
    entra,
    apps: new Map<string, EntraApp>(apps.map((a) => [a.clientId.toLowerCase(), a])),
    activity: new ActivityLog(tenant.ctx, credentials.tenantId),
    maxScansInFlight: options.maxScansInFlight ?? 16,
    payloads: new PayloadCorruptions(),
    fabric: new FabricSim(tenant, options.fabric),
  };
  const faults = new Faults(seed);
  if (options.faults) faults.setProbabilities(parseFaultSpec(options.faults), seed);
  const requestStats = new RequestStats();
  const stats = (): SimulatorStats => ({
    requests: { ...requestStats.requests },
    throttled: { ...requestStats.throttled },
    statuses: { ...requestStats.statuses },
    scansCreated: powerbi.scans.created,
    scansInFlight: powerbi.scans.inFlight(),
    peakScansInFlight: powerbi.scans.peakInFlight,
    ...entra.stats(),
    faultsFired: faults.fired(),
    now: new Date(clock.now()).toISOString(),
  });
  const mutate = (request: { workspaces: number; seed: number }): MutationResult =>
    tenant.mutate(request, clock.now());
  const tls = createTlsMaterial();
  const server = await startServer(
    {
      tls,
      entra,
      powerbi,
      faults,
      budgets: new Budgets(clock, options.budgets),
      stats: requestStats,
      latencyMs: options.latencyMs ?? 0,
      control: {
        stats,
        mutate,
        advanceClock: (ms) => clock.advance(ms),
        scriptFault: (f) => faults.script(f),
      },
    },
    options.port ?? 0,
  );
  const configFor = (kind: CredentialKind): ConnectorConfig =>
    connectorConfig(server.origin, tls.ca, credentials, kind, () =>
      entra.issueRefreshToken(credentials.delegatedApp.clientId, credentials.delegatedApp.userPrincipalName),
    );
  return {
    url: server.origin,
    caCertificate: tls.ca,
    tenant,
    entra,
    config: configFor('service_principal_secret'),
    configFor,
    credentials,
    settings,
    faults,
    payloads: powerbi.payloads,
    fabric: powerbi.fabric,
    stats,
    mutate,
    advanceClock: (ms) => clock.advance(ms),
    now: () => clock.now(),
    close: () => server.close(),
  };
}
