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
 * The Fabric REST API (report definitions): Microsoft documents its host and token scope for the
 * public cloud only, so the other clouds have none until someone confirms theirs.
 * https://learn.microsoft.com/rest/api/fabric/articles/using-fabric-apis
 */
export interface FabricEndpoints {
  /** e.g. https://api.fabric.microsoft.com/v1 (no trailing slash). */
  apiBaseUrl: string;
  /** The scope to request: https://api.fabric.microsoft.com/.default. */
  scope: string;
}

const FABRIC: Partial<Record<CloudName, FabricEndpoints>> = {
  public: {
    apiBaseUrl: 'https://api.fabric.microsoft.com/v1',
    scope: 'https://api.fabric.microsoft.com/.default',
  },
};

/**
 * The cloud's Fabric endpoints, the override replacing the host (the scope stays the cloud's);
 * undefined for a cloud whose Fabric API is not known. Throws a config error for a bad override.
 */
export function resolveFabricEndpoints(
  cloud: CloudName | undefined,
  override: string | undefined,
): FabricEndpoints | undefined {
  const known = FABRIC[cloud ?? 'public'];
  if (!known) return undefined;
  if (!override) return known;
  const url = parseUrl(override, 'report_definitions.fabric_api_base_url_override');
  if (url.protocol !== 'https:')
    throw configError(
      'report_definitions.fabric_api_base_url_override must be an https URL ending in /v1 (the access token is never sent over plain http).',
    );
  return { apiBaseUrl: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, scope: known.scope };
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
