/**
 * The validated config as the options of each layer, camelCase. This is the one module that reads
 * the config's own (snake_case) keys; defaults come from spec.json alone (ajv fills them, and the
 * generated ConnectorConfig type says which fields always have one). `input` is the config exactly
 * as given, for CONTROL messages.
 */
import type { ConnectorConfig, ConnectorConfigInput } from '../generated/config.js';
import { compileNamePattern, type NamePattern } from './name-pattern.js';

export interface AuthOptions {
  /** The credential shapes of spec.json, as the auth layer takes them (src/auth/settings.ts). */
  credentials: ConnectorConfig['credentials'];
  cloud: ConnectorConfig['cloud'];
  authorityHostOverride: string | undefined;
  apiBaseUrlOverride: string | undefined;
  /** A CA to trust besides the system's, for sign-in and Power BI calls alike. */
  tlsCaCertificate: string | undefined;
}

export interface HttpOptions {
  maxRetryWaitSeconds: number;
  requestTimeoutSeconds: number;
}

export interface WorkspaceSelection {
  includeIds: string[];
  excludeIds: string[];
  includeNamePatterns: NamePattern[];
  excludeNamePatterns: NamePattern[];
  includePersonalWorkspaces: boolean;
  includeInactiveWorkspaces: boolean;
}

/** What getInfo is asked for and how scans are scheduled (units as in the config). */
export interface ScanSettings {
  lineage: boolean;
  datasourceDetails: boolean;
  datasetSchema: boolean;
  datasetExpressions: boolean;
  artifactUsers: boolean;
  maxScansInFlight: number;
  workspacesPerScan: number;
  pollIntervalSeconds: number;
  scanTimeoutMinutes: number;
}

export interface IncrementalOptions {
  lookbackMinutes: number;
  fullRefreshEveryDays: number;
}

/** Which platform (and database) an ODBC DSN points at; the lineage library takes this shape. */
export interface OdbcDsnMapping {
  platform: string;
  database?: string;
}

export interface LineageSettings {
  /** DSN name as written in M → its platform. */
  odbcDsnMap: Record<string, OdbcDsnMapping>;
  /** Undefined: decided from the available cores (autoThreadCount in src/lineage/runtime/worker-pool.ts). */
  workerThreads: number | undefined;
}

export interface UsageOptions {
  activityEvents: { enabled: boolean; backfillDays: number; settleMinutes: number };
  refreshHistory: { enabled: boolean; refreshesPerArtifact: number; concurrency: number };
  apps: { enabled: boolean };
}

/** The report_definitions, report_pages and report_visuals streams (Fabric getDefinition). */
export interface ReportDefinitionOptions {
  enabled: boolean;
  maxReportsPerSync: number;
  concurrency: number;
  operationTimeoutSeconds: number;
  /** Fabric REST base instead of the cloud's (e.g. https://api.fabric.microsoft.com/v1). */
  fabricApiBaseUrlOverride: string | undefined;
}

export interface PrivacyOptions {
  userIdentifiers: ConnectorConfig['privacy']['user_identifiers'];
}

export interface ConnectorOptions {
  input: ConnectorConfigInput;
  auth: AuthOptions;
  http: HttpOptions;
  workspaces: WorkspaceSelection;
  scan: ScanSettings;
  incremental: IncrementalOptions;
  lineage: LineageSettings;
  usage: UsageOptions;
  reportDefinitions: ReportDefinitionOptions;
  privacy: PrivacyOptions;
}

/** Compiled once here; a pattern RE2 refuses is a config_error naming its field. */
function patterns(list: string[], field: string): NamePattern[] {
  return list.map((pattern, index) => compileNamePattern(pattern, `${field}[${index}]`));
}

function workspaceSelection(w: ConnectorConfig['workspaces']): WorkspaceSelection {
  return {
    includeIds: w.include_ids,
    excludeIds: w.exclude_ids,
    includeNamePatterns: patterns(w.include_name_patterns, 'workspaces.include_name_patterns'),
    excludeNamePatterns: patterns(w.exclude_name_patterns, 'workspaces.exclude_name_patterns'),
    includePersonalWorkspaces: w.include_personal_workspaces,
    includeInactiveWorkspaces: w.include_inactive_workspaces,
  };
}

/** The lineage.odbc_dsn_map list as the lineage library's lookup (a DSN given twice: the last wins). */
function odbcDsnMap(list: ConnectorConfig['lineage']['odbc_dsn_map']): Record<string, OdbcDsnMapping> {
  return Object.fromEntries(
    list.map((m) => [m.dsn, { platform: m.platform, ...(m.database && { database: m.database }) }]),
  );
}

/** Throws a config_error for a workspace name pattern RE2 refuses. */
export function connectorOptions(config: ConnectorConfig, input: ConnectorConfigInput): ConnectorOptions {
  const { scan, activity_events: activity, refresh_history: refresh, report_definitions: reports } = config;
  return {
    input,
    auth: {
      credentials: config.credentials,
      cloud: config.cloud,
      authorityHostOverride: config.authority_host_override,
      apiBaseUrlOverride: config.api_base_url_override,
      tlsCaCertificate: config.tls_ca_certificate,
    },
    http: {
      maxRetryWaitSeconds: config.max_retry_wait_seconds,
      requestTimeoutSeconds: config.request_timeout_seconds,
    },
    workspaces: workspaceSelection(config.workspaces),
    scan: {
      lineage: scan.lineage,
      datasourceDetails: scan.datasource_details,
      datasetSchema: scan.dataset_schema,
      datasetExpressions: scan.dataset_expressions,
      artifactUsers: scan.artifact_users,
      maxScansInFlight: scan.max_scans_in_flight,
      workspacesPerScan: scan.workspaces_per_scan,
      pollIntervalSeconds: scan.poll_interval_seconds,
      scanTimeoutMinutes: scan.scan_timeout_minutes,
    },
    incremental: {
      lookbackMinutes: config.incremental.lookback_minutes,
      fullRefreshEveryDays: config.incremental.full_refresh_every_days,
    },
    lineage: {
      odbcDsnMap: odbcDsnMap(config.lineage.odbc_dsn_map),
      workerThreads: config.lineage.worker_threads,
    },
    usage: {
      activityEvents: {
        enabled: activity.enabled,
        backfillDays: activity.backfill_days,
        settleMinutes: activity.settle_minutes,
      },
      refreshHistory: {
        enabled: refresh.enabled,
        refreshesPerArtifact: refresh.refreshes_per_artifact,
        concurrency: refresh.concurrency,
      },
      apps: { enabled: config.apps.enabled },
    },
    reportDefinitions: {
      enabled: reports.enabled,
      maxReportsPerSync: reports.max_reports_per_sync,
      concurrency: reports.concurrency,
      operationTimeoutSeconds: reports.operation_timeout_seconds,
      fabricApiBaseUrlOverride: reports.fabric_api_base_url_override,
    },
    privacy: { userIdentifiers: config.privacy.user_identifiers },
  };
}
