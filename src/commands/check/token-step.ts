import type { AuthOptions } from '../../config/options.js';
import type { TokenProvider } from '../../auth/contract/token-provider.js';

/** Who the connector signs in as, in words (ids only, never a secret). */
export function identityOf(credentials: AuthOptions['credentials']): string {
  switch (credentials.auth_type) {
    case 'service_principal_secret':
      return `the service principal of app ${credentials.client_id} (client secret)`;
    case 'service_principal_certificate':
      return `the service principal of app ${credentials.client_id} (certificate)`;
    case 'oauth2_refresh_token':
      return `a delegated sign-in through app ${credentials.client_id} (refresh token)`;
  }
}

/**
 * Step 2: a token for the Power BI API before any Power BI call, so Entra's refusals (AADSTS codes,
 * already worded with their fix by the token provider) are told apart from Power BI's.
 */
export async function acquireToken(tokens: TokenProvider): Promise<void> {
  await tokens.getAccessToken();
}
