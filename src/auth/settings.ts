import type { ConnectorConfigInput } from '../generated/config.js';

/** The credential shapes of spec.json (`credentials.oneOf`), generated from it. */
export type Credentials = ConnectorConfigInput['credentials'];

/** The part of the connector config authentication reads; field names match spec.json. */
export type AuthSettings = Pick<
  ConnectorConfigInput,
  'credentials' | 'cloud' | 'authority_host_override' | 'api_base_url_override' | 'tls_ca_certificate'
>;
