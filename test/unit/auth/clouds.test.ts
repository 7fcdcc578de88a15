import { CLOUD_NAMES, resolveEndpoints } from '../../../src/auth/clouds.js';
import { ConnectorError } from '../../../src/errors.js';

describe('resolveEndpoints', () => {
  test.each([
    [
      'public',
      'https://login.microsoftonline.com',
      'https://api.powerbi.com/v1.0/myorg',
      'https://analysis.windows.net/powerbi/api/.default',
    ],
    [
      'usgov',
      'https://login.microsoftonline.com',
      'https://api.powerbigov.us/v1.0/myorg',
      'https://analysis.usgovcloudapi.net/powerbi/api/.default',
    ],
    [
      'usgovhigh',
      'https://login.microsoftonline.us',
      'https://api.high.powerbigov.us/v1.0/myorg',
      'https://high.analysis.usgovcloudapi.net/powerbi/api/.default',
    ],
    [
      'usgovdod',
      'https://login.microsoftonline.us',
      'https://api.mil.powerbigov.us/v1.0/myorg',
      'https://mil.analysis.usgovcloudapi.net/powerbi/api/.default',
    ],
    [
      'china',
      'https://login.chinacloudapi.cn',
      'https://api.powerbi.cn/v1.0/myorg',
      'https://analysis.chinacloudapi.cn/powerbi/api/.default',
    ],
  ] as const)('%s cloud', (cloud, authorityHost, apiBaseUrl, scope) => {
    expect(resolveEndpoints({ cloud })).toMatchObject({ authorityHost, apiBaseUrl, scope });
  });

  test('every cloud of the table is covered above and the default is public', () => {
    expect(CLOUD_NAMES.sort()).toEqual(['china', 'public', 'usgov', 'usgovdod', 'usgovhigh']);
    expect(resolveEndpoints({}).apiBaseUrl).toBe('https://api.powerbi.com/v1.0/myorg');
  });

  test('overrides win over the cloud, trailing slashes dropped; the scope stays the cloud one', () => {
    const endpoints = resolveEndpoints({
      cloud: 'usgovhigh',
      authority_host_override: 'https://127.0.0.1:8443/',
      api_base_url_override: 'https://127.0.0.1:8443/v1.0/myorg/',
    });
    expect(endpoints).toEqual({
      authorityHost: 'https://127.0.0.1:8443',
      apiBaseUrl: 'https://127.0.0.1:8443/v1.0/myorg',
      resource: 'https://high.analysis.usgovcloudapi.net/powerbi/api',
      scope: 'https://high.analysis.usgovcloudapi.net/powerbi/api/.default',
    });
  });

  test.each([
    [{ authority_host_override: 'http://127.0.0.1:8443' }, 'authority_host_override must be an https URL'],
    [{ authority_host_override: 'not a url' }, 'authority_host_override is not a valid URL'],
    [{ api_base_url_override: 'ftp://x/v1.0/myorg' }, 'api_base_url_override must be an https URL'],
    [
      { api_base_url_override: 'http://127.0.0.1:8443/v1.0/myorg' },
      'api_base_url_override must be an https URL',
    ],
  ])('invalid override %p is a config error', (settings, message) => {
    let caught: unknown;
    try {
      resolveEndpoints(settings);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConnectorError);
    expect(caught).toMatchObject({
      failureType: 'config_error',
      message: expect.stringContaining(message) as unknown,
    });
  });
});
