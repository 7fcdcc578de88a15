import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { mapAuthError, type AuthErrorContext } from '../../../src/auth/map-auth-error.js';
import {
  EntraNonJsonResponseError,
  EntraOversizedResponseError,
  EntraUnreachableError,
} from '../../../src/auth/network-client.js';

const context: AuthErrorContext = {
  authorityHost: 'https://login.microsoftonline.com',
  tenantId: 'contoso.onmicrosoft.com',
  clientId: '11111111-2222-4333-8444-555555555555',
  credentialType: 'service_principal_secret',
};

// Errors as msal-node builds them from Entra's JSON (ResponseHandler.validateTokenResponse).
const server = (error: string, code: number, status: number) =>
  new ServerError(error, 'corr', `AADSTS${code}: something\r\nTrace ID: x`, undefined, String(code), status);

describe('mapAuthError', () => {
  test.each([
    [server('invalid_client', 7000222, 401), 'config_error', 'AADSTS7000222', 'has expired'],
    [server('invalid_client', 7000215, 401), 'config_error', 'AADSTS7000215', 'secret VALUE, not its ID'],
    [server('unauthorized_client', 7000112, 400), 'config_error', 'AADSTS7000112', 'is disabled'],
    [server('invalid_client', 700024, 401), 'config_error', 'AADSTS700024', 'clock'],
    [server('invalid_scope', 70011, 400), 'config_error', 'AADSTS70011', 'cloud setting'],
    [
      new InteractionRequiredAuthError(
        'invalid_grant',
        'corr',
        'AADSTS65001: consent',
        'consent_required',
        '',
        '',
        '',
        '65001',
      ),
      'config_error',
      'AADSTS65001',
      'Re-authorize',
    ],
    [
      server('temporarily_unavailable', 50196, 503),
      'transient_error',
      'AADSTS50196',
      'temporarily unavailable',
    ],
    [
      server('invalid_request', 123456, 400),
      'config_error',
      'AADSTS123456',
      'login.microsoftonline.com/error?code=123456',
    ],
  ])('%#: %s', (error, failureType, vendorCode, fragment) => {
    const mapped = mapAuthError(error, context);
    expect(mapped).toMatchObject({ failureType, vendorCode });
    expect(mapped.message).toContain(fragment);
  });

  test('no answer at all is transient and names the host; an untrusted certificate is a config error', () => {
    const refused = mapAuthError(
      new EntraUnreachableError('login.microsoftonline.us', 'ECONNRESET'),
      context,
    );
    expect(refused).toMatchObject({ failureType: 'transient_error' });
    expect(refused.message).toContain('login.microsoftonline.us');
    const untrusted = mapAuthError(
      new EntraUnreachableError('proxy.corp:443', 'SELF_SIGNED_CERT_IN_CHAIN'),
      context,
    );
    expect(untrusted).toMatchObject({ failureType: 'config_error' });
    expect(untrusted.message).toContain('tls_ca_certificate');
  });

  test('an answer over the size limit names the limit and the override to check, not the network', () => {
    const mapped = mapAuthError(new EntraOversizedResponseError('login.example', 1024 * 1024), context);
    expect(mapped).toMatchObject({ failureType: 'transient_error' });
    expect(mapped.message).toContain('more than 1 MiB');
    expect(mapped.message).toContain('authority_host_override');
    expect(mapped.message).not.toContain('Could not reach');
  });

  test('a non-JSON answer: transient for 5xx, config error otherwise', () => {
    expect(mapAuthError(new EntraNonJsonResponseError('h', 502), context).failureType).toBe(
      'transient_error',
    );
    expect(mapAuthError(new EntraNonJsonResponseError('h', 404), context).failureType).toBe('config_error');
  });

  test('anything else is a system error', () => {
    expect(mapAuthError(new TypeError('boom'), context).failureType).toBe('system_error');
  });
});
