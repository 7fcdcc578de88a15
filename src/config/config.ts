import type { ConnectorConfig, ConnectorConfigInput } from '../generated/config.js';
import { configError } from '../errors.js';
import { MIN_SECRET_LENGTH, type SecretRegistry } from '../secrets.js';
import { connectorOptions, type ConnectorOptions } from './options.js';
import { collectSecretFields, type SecretField } from './secret-paths.js';
import { loadSpec } from './spec.js';
import { validateAgainstSpec } from './validate.js';

export type { ConnectorOptions } from './options.js';

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
 * them), and returns it with every default of spec.json (validate.ts fills them in) and its options.
 */
function load(raw: unknown, secrets: SecretRegistry): { options: ConnectorOptions } {
  const spec = loadSpec();
  const secretFields = collectSecretFields(spec.connectionSpecification, raw);
  for (const field of secretFields) secrets.register(field.value);
  // The one cast: ajv has just checked the config against the schema ConnectorConfig is generated from.
  const config = validateAgainstSpec(spec.connectionSpecification, raw) as unknown as ConnectorConfig;
  const options = connectorOptions(config, raw as ConnectorConfigInput);
  checkCertificateCredentials(config.credentials);
  checkSecretLengths(secretFields);
  return { options };
}

/** The config of a command, validated, as the typed options of each layer (src/config/options.ts). */
export function parseOptions(raw: unknown, secrets: SecretRegistry): ConnectorOptions {
  return load(raw, secrets).options;
}
