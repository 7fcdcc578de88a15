import { configError } from '../errors.js';

export type CloudName = 'public' | 'usgov' | 'usgovhigh' | 'usgovdod' | 'china';

export interface CloudEndpoints {
  /** Entra sign-in origin, e.g. https://login.microsoftonline.com (no tenant, no trailing slash). */
  authorityHost: string;
  /** Power BI REST base, e.g. https://api.powerbi.com/v1.0/myorg (no trailing slash). */
  apiBaseUrl: string;
  /** The Power BI resource id, the `aud` of its tokens. */
  resource: string;
  /** The scope to request: `${resource}/.default`. */
  scope: string;
}

/**
 * Hosts and resource ids per sovereign cloud. GCC signs in on the commercial authority; GCC High and
 * DoD on login.microsoftonline.us.
 * https://learn.microsoft.com/power-bi/enterprise/service-govus-overview
 * https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud
 */
const CLOUDS: Record<CloudName, Omit<CloudEndpoints, 'scope'>> = {
  public: {
    authorityHost: 'https://login.microsoftonline.com',
    apiBaseUrl: 'https://api.powerbi.com/v1.0/myorg',
    resource: 'https://analysis.windows.net/powerbi/api',
  },
  usgov: {
    authorityHost: 'https://login.microsoftonline.com',
    apiBaseUrl: 'https://api.powerbigov.us/v1.0/myorg',
    resource: 'https://analysis.usgovcloudapi.net/powerbi/api',
  },
  usgovhigh: {
    authorityHost: 'https://login.microsoftonline.us',
    apiBaseUrl: 'https://api.high.powerbigov.us/v1.0/myorg',
    resource: 'https://high.analysis.usgovcloudapi.net/powerbi/api',
  },
  usgovdod: {
    authorityHost: 'https://login.microsoftonline.us',
    apiBaseUrl: 'https://api.mil.powerbigov.us/v1.0/myorg',
    resource: 'https://mil.analysis.usgovcloudapi.net/powerbi/api',
  },
  china: {
    authorityHost: 'https://login.chinacloudapi.cn',
    apiBaseUrl: 'https://api.powerbi.cn/v1.0/myorg',
    resource: 'https://analysis.chinacloudapi.cn/powerbi/api',
  },
};

export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

export interface EndpointSettings {
  cloud?: CloudName;
  authority_host_override?: string;
  api_base_url_override?: string;
}

/** The cloud's endpoints; the config's overrides win (the scope always stays the cloud's). */
export function resolveEndpoints(settings: EndpointSettings): CloudEndpoints {
  const cloudName = settings.cloud ?? 'public';
  const cloud = CLOUDS[cloudName];
  if (!cloud)
    throw configError(`Unknown cloud "${String(cloudName)}". Use one of: ${CLOUD_NAMES.join(', ')}.`);
  const authorityHost = settings.authority_host_override
    ? authorityOrigin(settings.authority_host_override)
    : cloud.authorityHost;
  const apiBaseUrl = settings.api_base_url_override
    ? apiBase(settings.api_base_url_override)
    : cloud.apiBaseUrl;
  return { authorityHost, apiBaseUrl, resource: cloud.resource, scope: `${cloud.resource}/.default` };
}

/** msal-node refuses non-https authorities, so say so up front. */
function authorityOrigin(value: string): string {
  const url = parseUrl(value, 'authority_host_override');
  if (url.protocol !== 'https:') {
    throw configError(
      'authority_host_override must be an https URL (Microsoft Entra ID is only served over https).',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function apiBase(value: string): string {
  const url = parseUrl(value, 'api_base_url_override');
  if (url.protocol !== 'https:') {
    throw configError(
      'api_base_url_override must be an https URL ending in /v1.0/myorg (the access token is never sent over plain http).',
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseUrl(value: string, field: string): URL {
  try {
    return new URL(value);
  } catch {
    throw configError(`${field} is not a valid URL.`);
  }
}
