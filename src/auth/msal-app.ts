import {
  ConfidentialClientApplication,
  LogLevel,
  PublicClientApplication,
  type Configuration,
  type INetworkModule,
} from '@azure/msal-node';
import type { MsalCertificate } from './certificate-credential.js';

export type MsalApp = ConfidentialClientApplication | PublicClientApplication;

export interface MsalAppInput {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  certificate?: MsalCertificate;
  networkClient: INetworkModule;
}

/**
 * One msal application per provider. The authority's endpoints are given as metadata, the way
 * msal-node already hard-codes them for Microsoft's own sign-in hosts, so msal makes no discovery
 * call for any host: an unknown tenant surfaces on the token call as AADSTS90002, in every cloud
 * and against the simulator alike. `knownAuthorities` keeps msal from asking
 * login.microsoftonline.com about a host it does not know (auth-entra.md §4c, §5).
 */
export function createMsalApp(input: MsalAppInput): MsalApp {
  const tenantBase = `${input.authorityHost}/${encodeURIComponent(input.tenantId)}`;
  const configuration: Configuration = {
    auth: {
      clientId: input.clientId,
      authority: tenantBase,
      knownAuthorities: [new URL(input.authorityHost).host],
      authorityMetadata: JSON.stringify({
        authorization_endpoint: `${tenantBase}/oauth2/v2.0/authorize`,
        token_endpoint: `${tenantBase}/oauth2/v2.0/token`,
        issuer: `${tenantBase}/v2.0`,
        jwks_uri: `${tenantBase}/discovery/v2.0/keys`,
        end_session_endpoint: `${tenantBase}/oauth2/v2.0/logout`,
      }),
      ...(input.clientSecret !== undefined ? { clientSecret: input.clientSecret } : {}),
      ...(input.certificate ? { clientCertificate: input.certificate } : {}),
    },
    system: {
      networkClient: input.networkClient,
      // msal's own log lines could carry request details; the connector reports failures itself.
      loggerOptions: { loggerCallback: () => undefined, piiLoggingEnabled: false, logLevel: LogLevel.Error },
    },
  };
  const confidential = input.clientSecret !== undefined || input.certificate !== undefined;
  return confidential
    ? new ConfidentialClientApplication(configuration)
    : new PublicClientApplication(configuration);
}
