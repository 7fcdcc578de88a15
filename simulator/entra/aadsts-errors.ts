import { randomUUID } from 'node:crypto';

/**
 * Entra ID token-endpoint errors, shaped like the real ones (auth-entra.md §3 and samples/entra/).
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 */
export interface AadstsError {
  status: number;
  error: string;
  code: number;
  message: string;
  suberror?: string;
}

export const aadsts = {
  invalidSecret: (clientId: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  missingCredential: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  appNotFound: (clientId: string, tenant: string): AadstsError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  tenantNotFound: (tenant: string): AadstsError => ({
    status: 400,
    error: 'invalid_tenant',
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  assertionSignature: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: 'Client assertion failed signature validation.',
  }),
  /** Real Entra reports an unregistered certificate as 700027 with "The key was not found". */
  assertionKeyNotFound: (thumbprint: string, clientId: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint.toUpperCase()}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
  }),
  assertionMalformed: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 50027,
    message: 'JWT token is invalid or malformed.',
  }),
  assertionIssuer: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700021,
    message: "Client assertion application identifier doesn't match 'client_id' parameter.",
  }),
  assertionAudience: (audience: string, expected: string): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700023,
    message: `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials . Provided value: '${audience}'. Expected: '${expected}'.`,
  }),
  assertionTime: (): AadstsError => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    message: 'Client assertion is not within its valid time range.',
  }),
  unsupportedGrant: (grant: string): AadstsError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: `The app requested an unsupported grant type '${grant}'.`,
  }),
  missingParameter: (name: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  invalidScope: (scope: string): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    message: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  clientCredentialsScope: (scope: string): AadstsError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  resourceNotFound: (resource: string, tenant: string): AadstsError => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
  refreshTokenExpired: (issuedAt: Date): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 700082,
    message: `The refresh token has expired due to inactivity. The token was issued on ${issuedAt.toISOString()} and was inactive for 90.00:00:00.`,
    suberror: 'bad_token',
  }),
  refreshTokenRevoked: (issuedAt: Date, validFrom: Date): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 50173,
    message: `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issuedAt.toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom.toISOString()}'.`,
    suberror: 'bad_token',
  }),
  /** Used for a refresh token this simulator already rotated away (real Entra would still accept it). */
  refreshTokenConsumed: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70008,
    message:
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    suberror: 'bad_token',
  }),
  refreshTokenOtherClient: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70000,
    message:
      'The provided grant is invalid or malformed. The refresh token was issued to a different client.',
  }),
  /** Authorize endpoint: the redirect URI is not registered for the app (shown on Entra's page, never redirected). */
  redirectUriMismatch: (redirectUri: string, clientId: string): AadstsError => ({
    status: 400,
    error: 'invalid_request',
    code: 50011,
    message: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.`,
  }),
  unsupportedResponseType: (responseType: string): AadstsError => ({
    status: 400,
    error: 'unsupported_response_type',
    code: 700051,
    message: `response_type '${responseType}' is not enabled for the application.`,
  }),
  authorizationCodeRedeemed: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 54005,
    message:
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  }),
  authorizationCodeInvalid: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70008,
    message:
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  }),
  /** Not verified against a real payload: the code and wording follow Entra's error-code table. */
  authorizationCodeRedirectMismatch: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 500112,
    message:
      'The reply address does not match the reply address provided when requesting the authorization code.',
  }),
  authorizationCodeOtherClient: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70000,
    message:
      'The provided grant is invalid or malformed. The authorization code was issued to a different client.',
  }),
  codeVerifierMismatch: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 50148,
    message:
      'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
  }),
  refreshTokenMalformed: (): AadstsError => ({
    status: 400,
    error: 'invalid_grant',
    code: 9002313,
    message: 'Invalid request. Request is malformed or invalid.',
  }),
};

function entraTimestamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** The JSON body Entra returns; correlation id echoes the client's `client-request-id` like Entra does. */
export function aadstsBody(
  error: AadstsError,
  nowMs: number,
  correlationId?: string,
): Record<string, unknown> {
  const timestamp = entraTimestamp(nowMs);
  const traceId = randomUUID();
  const correlation = correlationId && /^[0-9a-f-]{36}$/i.test(correlationId) ? correlationId : randomUUID();
  const body: Record<string, unknown> = {
    error: error.error,
    error_description: `AADSTS${error.code}: ${error.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
    error_codes: [error.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${error.code}`,
  };
  if (error.suberror) body['suberror'] = error.suberror;
  return body;
}
