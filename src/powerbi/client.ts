import { setMaxListeners } from 'node:events';
import { configError, systemError } from '../errors.js';
import { iterateActivityEvents, type ActivityEventsQuery } from './activity-events.js';
import { createApiCaller, type CallStats, type LogFn } from './api-caller.js';
import { iterateApps } from './apps.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_HOURLY_BUDGETS, type HourlyBudgets } from './endpoints.js';
import { listGatewayDatasources, listGatewayMembers, listGateways } from './gateways.js';
import { iterateGroups, type GroupsQuery } from './groups.js';
import { createHttpTransport } from './http.js';
import type { JsonObject } from './json-shapes.js';
import {
  DEFAULT_SCAN_RESULT_LIMITS,
  type BodyLimits,
  type Deadlines,
  type ScanResultLimits,
} from './limits.js';
import { RequestScheduler, type SchedulerStats, type WaitInfo } from './rate-limiter.js';
import { listDataflowTransactions, listDatasetRefreshes } from './refreshes.js';
import {
  DEFAULT_OPERATION_POLLING,
  getReportDefinition,
  type DefinitionOutcome,
} from './report-definitions.js';
import { listReportPages } from './report-pages.js';
import { DEFAULT_RETRY_OPTIONS, type RetryPolicyOptions } from './retry-policy.js';
import type { ScanEvent, ScanOptions } from './scan-events.js';
import { scanWorkspaces } from './scanner.js';
import type { TokenProvider } from '../auth/contract/token-provider.js';
import { listModifiedWorkspaceIds, type ListModifiedOptions } from './workspaces.js';

export interface PowerBiClientOptions {
  /** e.g. https://api.powerbi.com/v1.0/myorg (sovereign clouds differ). */
  apiBaseUrl: string;
  tokenProvider: TokenProvider;
  /** Extra CA certificate (PEM) to trust besides the system roots. TLS verification is never disabled. */
  caCertificate?: string;
  /** Patience: a wait (Retry-After, hourly budget) longer than this stops with a transient_error. */
  maxRetryWaitSeconds: number;
  /** Idle timeout of every request (the longest silence); the total deadlines derive from it. */
  requestTimeoutMs: number;
  /** Total deadlines per request (headers and body); default defaultDeadlines(requestTimeoutMs). */
  deadlines?: Partial<Deadlines>;
  /** Limits on JSON and error bodies (default DEFAULT_BODY_LIMITS) and on scan-result workspaces. */
  bodyLimits?: Partial<BodyLimits>;
  scanResultLimits?: Partial<ScanResultLimits>;
  log?: LogFn;
  /** Called before every wait (throttled, budget, backoff), e.g. to emit RATE_LIMITED stream status. */
  onWait?: (info: WaitInfo) => void;
  /** Aborts every call and wait (clean shutdown). */
  signal?: AbortSignal;
  /** The Fabric REST API (report definitions): its base URL and tokens for its scope; absent when the cloud has none. */
  fabric?: { apiBaseUrl: string; tokenProvider: TokenProvider };
  /** Tuning and tests; defaults follow Microsoft's documented limits. */
  retry?: Partial<Omit<RetryPolicyOptions, 'maxRetryWaitMs'>>;
  hourlyBudgets?: Partial<HourlyBudgets>;
  maxScansInFlight?: number;
  clock?: Clock;
}

export interface PowerBiClientStats extends CallStats, SchedulerStats {}

export interface PowerBiClient {
  listModifiedWorkspaceIds(options: ListModifiedOptions): Promise<string[]>;
  scanWorkspaces(ids: readonly string[], options: ScanOptions): AsyncGenerator<ScanEvent>;
  iterateActivityEvents(query: ActivityEventsQuery): AsyncGenerator<JsonObject>;
  iterateApps(options?: { pageSize?: number }): AsyncGenerator<JsonObject>;
  iterateGroups(query?: GroupsQuery): AsyncGenerator<JsonObject>;
  listDatasetRefreshes(groupId: string, datasetId: string, top: number): Promise<JsonObject[]>;
  listDataflowTransactions(groupId: string, dataflowId: string, top: number): Promise<JsonObject[]>;
  /** Whether a Fabric API is configured (getReportDefinition throws a config_error otherwise). */
  readonly fabricAvailable: boolean;
  /** Fabric getDefinition, polled to its end or to `maxWaitMs` (src/powerbi/report-definitions.ts). */
  getReportDefinition(
    workspaceId: string,
    reportId: string,
    wait: { maxWaitMs: number; defaultPollMs?: number; maxPollMs?: number },
  ): Promise<DefinitionOutcome>;
  listReportPages(groupId: string, reportId: string): Promise<JsonObject[]>;
  /** Gateways the caller is a gateway admin of, and one gateway's datasources (src/powerbi/gateways.ts). */
  listGateways(): Promise<JsonObject[]>;
  listGatewayDatasources(gatewayId: string): Promise<JsonObject[]>;
  /** A gateway cluster's members (Fabric API); undefined when the cloud has no Fabric API. */
  listGatewayMembers(gatewayId: string): Promise<JsonObject[] | undefined>;
  stats(): PowerBiClientStats;
  /** Releases the keep-alive sockets. */
  close(): void;
}

/** Builds the API client of one run: its own HTTP agent, scheduler and counters; no shared state. */
export function createPowerBiClient(options: PowerBiClientOptions): PowerBiClient {
  checkOptions(options);
  // Concurrent scans, polls and waits each listen on the run's signal.
  if (options.signal) setMaxListeners(100, options.signal);
  const clock = options.clock ?? systemClock;
  const log: LogFn = options.log ?? (() => undefined);
  const maxWaitMs = options.maxRetryWaitSeconds * 1000;
  const transportFor = (apiBaseUrl: string) =>
    createHttpTransport({
      apiBaseUrl,
      caCertificate: options.caCertificate,
      requestTimeoutMs: options.requestTimeoutMs,
      ...(options.deadlines && { deadlines: options.deadlines }),
      ...(options.bodyLimits && { bodyLimits: options.bodyLimits }),
    });
  const transport = transportFor(options.apiBaseUrl);
  const scheduler = new RequestScheduler({
    clock,
    budgets: { ...DEFAULT_HOURLY_BUDGETS, ...options.hourlyBudgets },
    maxWaitMs,
    maxScansInFlight: options.maxScansInFlight,
    onWait: options.onWait,
    signal: options.signal,
  });
  const policy = { ...DEFAULT_RETRY_OPTIONS, ...options.retry, maxRetryWaitMs: maxWaitMs };
  const caller = createApiCaller({
    transport,
    scheduler,
    tokenProvider: options.tokenProvider,
    clock,
    policy,
    log,
    signal: options.signal,
  });
  // The Fabric API: its own host and token scope, the same scheduler, policy and counters' shape.
  const fabricTransport = options.fabric && transportFor(options.fabric.apiBaseUrl);
  const fabricCaller =
    options.fabric &&
    fabricTransport &&
    createApiCaller({
      transport: fabricTransport,
      scheduler,
      tokenProvider: options.fabric.tokenProvider,
      clock,
      policy,
      log,
      signal: options.signal,
    });
  const scannerDeps = {
    caller,
    scheduler,
    clock,
    log,
    signal: options.signal,
    scanResultLimits: { ...DEFAULT_SCAN_RESULT_LIMITS, ...options.scanResultLimits },
  };
  return {
    listModifiedWorkspaceIds: (query) => listModifiedWorkspaceIds(caller, query, clock.now()),
    scanWorkspaces: (ids, scanOptions) => scanWorkspaces(scannerDeps, ids, scanOptions),
    iterateActivityEvents: (query) => iterateActivityEvents(caller, query),
    iterateApps: (pageOptions) => iterateApps(caller, pageOptions),
    iterateGroups: (query) => iterateGroups(caller, query),
    listDatasetRefreshes: (groupId, datasetId, top) => listDatasetRefreshes(caller, groupId, datasetId, top),
    listDataflowTransactions: (groupId, dataflowId, top) =>
      listDataflowTransactions(caller, groupId, dataflowId, top),
    fabricAvailable: fabricCaller !== undefined,
    getReportDefinition: (workspaceId, reportId, wait) => {
      if (!fabricCaller)
        return Promise.reject(
          configError('No Fabric API is known for this cloud: report definitions cannot be read.'),
        );
      return getReportDefinition(fabricCaller, clock, workspaceId, reportId, {
        ...DEFAULT_OPERATION_POLLING,
        ...wait,
        signal: options.signal,
      });
    },
    listReportPages: (groupId, reportId) => listReportPages(caller, groupId, reportId),
    listGateways: () => listGateways(caller),
    listGatewayDatasources: (gatewayId) => listGatewayDatasources(caller, gatewayId),
    listGatewayMembers: (gatewayId) =>
      fabricCaller ? listGatewayMembers(fabricCaller, gatewayId) : Promise.resolve(undefined),
    stats: () => sumStats(caller.stats(), fabricCaller?.stats(), scheduler.stats()),
    close: () => {
      transport.close();
      fabricTransport?.close();
    },
  };
}

function sumStats(
  main: CallStats,
  fabric: CallStats | undefined,
  scheduler: SchedulerStats,
): PowerBiClientStats {
  if (!fabric) return { ...main, ...scheduler };
  return {
    attempts: main.attempts + fabric.attempts,
    retries: main.retries + fabric.retries,
    tokenRefreshes: main.tokenRefreshes + fabric.tokenRefreshes,
    repeatedPosts: main.repeatedPosts + fabric.repeatedPosts,
    ...scheduler,
  };
}

function checkOptions(options: PowerBiClientOptions): void {
  let url: URL;
  try {
    url = new URL(options.apiBaseUrl);
  } catch {
    throw systemError(`The Power BI API base URL "${options.apiBaseUrl}" is not a URL.`);
  }
  if (url.protocol !== 'https:') throw systemError('The Power BI API base URL must use https.');
  if (options.fabric && !options.fabric.apiBaseUrl.startsWith('https://'))
    throw systemError('The Fabric API base URL must use https.');
  if (!(options.maxRetryWaitSeconds >= 0)) throw systemError('maxRetryWaitSeconds must be a number >= 0.');
  if (!(options.requestTimeoutMs > 0)) throw systemError('requestTimeoutMs must be a number > 0.');
  for (const [name, ms] of Object.entries(options.deadlines ?? {}))
    if (!(ms > 0)) throw systemError(`deadlines.${name} must be a number > 0.`);
}
