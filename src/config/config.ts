import type { ConnectorConfigInput } from '../generated/config.js';
import { configError } from '../errors.js';
import type { SecretRegistry } from '../secrets.js';
import { collectSecretValues } from './secret-paths.js';
import { loadSpec } from './spec.js';
import { validateAgainstSpec } from './validate.js';

type Defaulted<T> = Required<NonNullable<T>>;

/** The validated config with every default applied; `input` is the config exactly as given. */
export interface Config {
  input: ConnectorConfigInput;
  credentials: ConnectorConfigInput['credentials'];
  cloud: NonNullable<ConnectorConfigInput['cloud']>;
  workspaces: Defaulted<ConnectorConfigInput['workspaces']>;
  scan: Defaulted<ConnectorConfigInput['scan']>;
  incremental: Defaulted<ConnectorConfigInput['incremental']>;
  privacy: Defaulted<ConnectorConfigInput['privacy']>;
  activityEvents: Defaulted<ConnectorConfigInput['activity_events']>;
  refreshHistory: Defaulted<ConnectorConfigInput['refresh_history']>;
  apps: Defaulted<ConnectorConfigInput['apps']>;
  lineage: Defaulted<ConnectorConfigInput['lineage']>;
  authorityHostOverride: string | undefined;
  apiBaseUrlOverride: string | undefined;
  tlsCaCertificate: string | undefined;
  maxRetryWaitSeconds: number;
  requestTimeoutSeconds: number;
}

function compilePatterns(patterns: string[], field: string): void {
  patterns.forEach((pattern, index) => {
    try {
      new RegExp(pattern, 'i');
    } catch {
      throw configError(`${field}[${index}] is not a valid regular expression; fix or remove it.`);
    }
  });
}

function checkCertificateCredentials(credentials: ConnectorConfigInput['credentials']): void {
  if (credentials.auth_type !== 'service_principal_certificate') return;
  if (!credentials.certificate && !credentials.thumbprint) {
    throw configError(
      'credentials.certificate or credentials.thumbprint is required: give the PEM certificate uploaded to the app registration, or its thumbprint.',
    );
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(credentials.private_key)) {
    throw configError(
      'credentials.private_key must be a PEM private key starting with -----BEGIN PRIVATE KEY-----.',
    );
  }
}

/**
 * Validates a raw config, registers its secrets with the redactor first (so no error can echo
 * them), and returns the typed config with defaults.
 */
export function parseConfig(raw: unknown, secrets: SecretRegistry): Config {
  const spec = loadSpec();
  for (const value of collectSecretValues(spec.connectionSpecification, raw)) secrets.register(value);
  const valid = validateAgainstSpec(spec.connectionSpecification, raw) as unknown as ConnectorConfigInput;
  const workspaces = valid.workspaces as Config['workspaces'];
  compilePatterns(workspaces.include_name_patterns, 'workspaces.include_name_patterns');
  compilePatterns(workspaces.exclude_name_patterns, 'workspaces.exclude_name_patterns');
  checkCertificateCredentials(valid.credentials);
  return {
    input: raw as ConnectorConfigInput,
    credentials: valid.credentials,
    cloud: valid.cloud ?? 'public',
    workspaces,
    scan: valid.scan as Config['scan'],
    incremental: valid.incremental as Config['incremental'],
    privacy: valid.privacy as Config['privacy'],
    activityEvents: valid.activity_events as Config['activityEvents'],
    refreshHistory: valid.refresh_history as Config['refreshHistory'],
    apps: valid.apps as Config['apps'],
    lineage: valid.lineage as Config['lineage'],
    authorityHostOverride: valid.authority_host_override,
    apiBaseUrlOverride: valid.api_base_url_override,
    tlsCaCertificate: valid.tls_ca_certificate,
    maxRetryWaitSeconds: valid.max_retry_wait_seconds ?? 900,
    requestTimeoutSeconds: valid.request_timeout_seconds ?? 120,
  };
}
