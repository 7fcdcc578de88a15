import type { ConnectorOptions } from '../../config/options.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import { explainApiFailure } from './api-failure.js';

/**
 * Steps 3 and 4 in one call: admin/workspaces/modified reaches the Power BI API with the token
 * (network, TLS, base URL, "Service principals can use Fabric APIs") and needs the read-only admin
 * APIs (the tenant setting plus its security group, or a Fabric administrator's sign-in). It also
 * lists the workspaces the test scan picks from. No non-admin call is made: the connector needs
 * none, and one refused would fail a tenant that syncs fine.
 */
export async function listWorkspacesWithAdminApi(
  client: Pick<PowerBiClient, 'listModifiedWorkspaceIds'>,
  options: ConnectorOptions,
  apiBaseUrl: string,
): Promise<string[]> {
  try {
    return await client.listModifiedWorkspaceIds({
      excludePersonalWorkspaces: !options.workspaces.includePersonalWorkspaces,
      excludeInActiveWorkspaces: true,
    });
  } catch (error) {
    throw explainApiFailure(error, apiBaseUrl);
  }
}
