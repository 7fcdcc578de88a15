import type { SimulatorCredentials } from './credentials.js';

export type CredentialKind =
  | 'service_principal_secret'
  | 'service_principal_certificate'
  | 'oauth2_refresh_token'
  | 'not_allowed_secret';

/** A complete connector config (spec.json keys) pointing at the simulator. */
export interface ConnectorConfig {
  credentials: Record<string, string>;
  cloud: 'public';
  authority_host_override: string;
  api_base_url_override: string;
  tls_ca_certificate: string;
  [key: string]: unknown;
}

export function connectorConfig(
  url: string,
  ca: string,
  creds: SimulatorCredentials,
  kind: CredentialKind,
  refreshToken: () => string,
): ConnectorConfig {
  const base = { tenant_id: creds.tenantId };
  const credentials: Record<string, string> = (() => {
    switch (kind) {
      case 'service_principal_secret':
        return {
          auth_type: kind,
          ...base,
          client_id: creds.secretApp.clientId,
          client_secret: creds.secretApp.clientSecret,
        };
      case 'not_allowed_secret':
        return {
          auth_type: 'service_principal_secret',
          ...base,
          client_id: creds.notAllowedApp.clientId,
          client_secret: creds.notAllowedApp.clientSecret,
        };
      case 'service_principal_certificate':
        return {
          auth_type: kind,
          ...base,
          client_id: creds.certificateApp.clientId,
          private_key: creds.certificateApp.privateKeyPem,
          certificate: creds.certificateApp.certificatePem,
        };
      case 'oauth2_refresh_token':
        return {
          auth_type: kind,
          ...base,
          client_id: creds.delegatedApp.clientId,
          client_secret: creds.delegatedApp.clientSecret,
          refresh_token: refreshToken(),
        };
    }
  })();
  return {
    credentials,
    cloud: 'public',
    authority_host_override: url,
    api_base_url_override: `${url}/v1.0/myorg`,
    tls_ca_certificate: ca,
    // The Fabric API (report definitions) is served on the same origin; the streams stay off by default.
    report_definitions: { fabric_api_base_url_override: `${url}/v1` },
  };
}
