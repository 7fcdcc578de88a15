import type { ConnectorConfigInput } from '../generated/config.js';
import { configError } from '../errors.js';
import { MIN_SECRET_LENGTH, type SecretRegistry } from '../secrets.js';
import { collectSecretFields, type SecretField } from './secret-paths.js';
import { compileNamePattern } from './name-pattern.js';
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
  patterns.forEach((pattern, index) => compileNamePattern(pattern, `${field}[${index}]`));
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
 * A secret this short cannot be masked in logs without masking ordinary words too, and no real
 * client secret, token or key is this short: it is a placeholder or a paste gone wrong.
 */
function checkSecretLengths(fields: readonly SecretField[]): void {
  for (const { path, value } of fields) {
    if (value.trim().length >= MIN_SECRET_LENGTH) continue;
    const fix = path.endsWith('tenant_id')
      ? "use the tenant's Directory (tenant) ID, a GUID from the Entra admin center"
      : 'paste the whole value from the app registration or the sign-in that issued it';
    throw configError(
      `${path} is shorter than ${MIN_SECRET_LENGTH} characters, too short to be a real secret: ${fix}.`,
    );
  }
}

/**
 * Validates a raw config, registers its secrets with the redactor first (so no error can echo
 * them), and returns the typed config with defaults.
 */
export function parseConfig(raw: unknown, secrets: SecretRegistry): Config {
  const spec = loadSpec();
  const secretFields = collectSecretFields(spec.connectionSpecification, raw);
  for (const field of secretFields) secrets.register(field.value);
  const valid = validateAgainstSpec(spec.connectionSpecification, raw) as unknown as ConnectorConfigInput;
  const workspaces = valid.workspaces as Config['workspaces'];
  compilePatterns(workspaces.include_name_patterns, 'workspaces.include_name_patterns');
  compilePatterns(workspaces.exclude_name_patterns, 'workspaces.exclude_name_patterns');
  checkCertificateCredentials(valid.credentials);
  checkSecretLengths(secretFields);
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
