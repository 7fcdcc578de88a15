import { ConnectorError, configError, transientError } from '../../errors.js';

/**
 * Rewords the failures of check's first Power BI call that the API client words for a sync: a
 * network failure names the host, a 404 means the base URL is wrong. Others pass unchanged (their
 * messages already name the tenant setting or the security group).
 */
export function explainApiFailure(error: unknown, apiBaseUrl: string): unknown {
  if (!(error instanceof ConnectorError)) return error;
  const host = new URL(apiBaseUrl).host;
  const detail = error.internalMessage?.replace(/^(GET|POST) \w+: /, '');
  if (error.failureType === 'transient_error' && error.httpStatus === undefined) {
    return transientError(
      `Could not reach the Power BI API at ${host}${detail ? ` (${detail})` : ''}. Check the network path to ${host} (proxy, firewall, DNS) and api_base_url_override if set.`,
      {
        ...(error.internalMessage !== undefined && { internalMessage: error.internalMessage }),
        cause: error,
      },
    );
  }
  if (error.httpStatus === 404) {
    return configError(
      `The Power BI API at ${host} answered "not found" for admin/workspaces/modified. Check the cloud setting and api_base_url_override (it must end in /v1.0/myorg).`,
      {
        httpStatus: 404,
        ...(error.vendorCode !== undefined && { vendorCode: error.vendorCode }),
        ...(error.internalMessage !== undefined && { internalMessage: error.internalMessage }),
      },
    );
  }
  return error;
}
