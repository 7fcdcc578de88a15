import type { CloudName } from './clouds.js';

/** The credential shapes of spec.json (`credentials.oneOf`). */
export type Credentials =
  | {
      auth_type: 'oauth2_refresh_token';
      tenant_id: string;
      client_id: string;
      /** Absent for a public-client app registration ("Allow public client flows"). */
      client_secret?: string;
      refresh_token: string;
    }
  | { auth_type: 'service_principal_secret'; tenant_id: string; client_id: string; client_secret: string }
  | {
      auth_type: 'service_principal_certificate';
      tenant_id: string;
      client_id: string;
      /** PEM, PKCS#8 or PKCS#1; may also hold the certificate block. */
      private_key: string;
      /** PEM; its thumbprint is computed. */
      certificate?: string;
      /** Hex SHA-1 (40) or SHA-256 (64) thumbprint, when no certificate is given. */
      thumbprint?: string;
    };

/** The part of the connector config authentication reads; field names match spec.json. */
export interface AuthSettings {
  credentials: Credentials;
  cloud?: CloudName;
  /** https origin that replaces the cloud's sign-in host (private endpoint, simulator). */
  authority_host_override?: string;
  /** Replaces the cloud's Power BI REST base (…/v1.0/myorg). */
  api_base_url_override?: string;
  /** PEM of an extra CA to trust besides the system's ones. */
  tls_ca_certificate?: string;
}
