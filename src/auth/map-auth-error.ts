import { AuthError } from '@azure/msal-node';
import { ConnectorError, configError, systemError, transientError } from '../errors.js';
import {
  EntraNonJsonResponseError,
  EntraOversizedResponseError,
  EntraUnreachableError,
} from './network-client.js';

export interface AuthErrorContext {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  credentialType: 'oauth2_refresh_token' | 'service_principal_secret' | 'service_principal_certificate';
}

const REAUTHORIZE =
  'Re-authorize the connection (sign in again as a Power BI administrator) to get a new refresh token.';
const UPLOAD_CERTIFICATE =
  "Upload the certificate (its public .cer/.pem part) to the app registration under Certificates & secrets, and check credentials.private_key is that certificate's key.";

/**
 * The fix for each AADSTS code a user can cause; the codes are Entra's
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). Messages quote
 * only ids and hosts, never a secret or token.
 */
function messageFor(code: number, context: AuthErrorContext): string | undefined {
  const { clientId, tenantId } = context;
  switch (code) {
    case 7000215:
      return `Microsoft Entra ID rejected the client secret of app ${clientId}. Check credentials.client_secret is the secret VALUE, not its ID, and that it belongs to this app registration.`;
    case 7000222:
      return `The client secret of app ${clientId} has expired. Create a new secret under Certificates & secrets and put its VALUE in credentials.client_secret.`;
    case 7000218:
      return `App ${clientId} is a confidential app: Entra requires its client secret. Set credentials.client_secret (the secret VALUE), or allow public client flows on the app registration.`;
    case 700016:
      return `App ${clientId} was not found in tenant ${tenantId}. Check credentials.client_id is the Application (client) ID of the app registration in that tenant, credentials.tenant_id, and the cloud setting.`;
    case 90002:
      return `Tenant ${tenantId} was not found. Check credentials.tenant_id (the Directory (tenant) ID or a verified domain) and that the cloud setting matches your tenant's cloud.`;
    case 7000112:
      return `App ${clientId} is disabled in tenant ${tenantId}. Enable it (Enterprise applications, Properties, "Enabled for users to sign in") or use another app.`;
    case 700027:
    case 50012:
    case 50027:
      return `Microsoft Entra ID did not accept the certificate of app ${clientId}. ${UPLOAD_CERTIFICATE}`;
    case 700021:
    case 700023:
      return `Microsoft Entra ID rejected the certificate assertion of app ${clientId}. Check credentials.client_id and credentials.tenant_id. ${UPLOAD_CERTIFICATE}`;
    case 700024:
      return 'Microsoft Entra ID found the certificate assertion outside its validity window. Check that the clock of the machine running the connector is correct.';
    case 700082:
    case 70008:
    case 50173:
    case 70000:
    case 9002313:
    case 70043:
      return `The refresh token is expired, revoked or not valid for app ${clientId}. ${REAUTHORIZE}`;
    case 65001:
    case 50076:
    case 50079:
    case 50078:
      return `The administrator's consent no longer covers this sign-in (consent or multi-factor authentication required). ${REAUTHORIZE}`;
    case 70011:
    case 1002012:
    case 500011:
      return `Tenant ${tenantId} refused the Power BI scope. Check the cloud setting matches your tenant's cloud and that the Power BI service is available in the tenant.`;
    default:
      return undefined;
  }
}

/** Maps whatever msal threw while acquiring a token onto a ConnectorError that names the fix. */
export function mapAuthError(error: unknown, context: AuthErrorContext): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof EntraUnreachableError && isTlsTrustFailure(error.reason)) {
    return configError(
      `The TLS certificate of ${error.host} is not trusted (${error.reason}). Behind a TLS-inspecting proxy or with a private endpoint, put its CA certificate (PEM) in tls_ca_certificate.`,
      { internalMessage: error.message },
    );
  }
  if (error instanceof EntraOversizedResponseError) {
    return transientError(
      `The sign-in host ${error.host} answered with more than ${error.limitBytes / 1024 / 1024} MiB, which no token response is. Check that authority_host_override (if set) points at the Microsoft Entra sign-in host and that no proxy in between rewrites answers; then retry.`,
      { internalMessage: error.message, cause: error },
    );
  }
  if (error instanceof EntraUnreachableError) {
    return transientError(
      `Could not reach Microsoft Entra ID at ${error.host} (${error.reason}). Check the network path to ${error.host} (proxy, firewall, DNS) and authority_host_override if set.`,
      { internalMessage: error.message, cause: error },
    );
  }
  if (error instanceof EntraNonJsonResponseError) {
    return error.status >= 500 || error.status === 429
      ? transientError(
          `Microsoft Entra ID at ${error.host} answered HTTP ${error.status}; try again later.`,
          {
            httpStatus: error.status,
            internalMessage: error.message,
          },
        )
      : configError(
          `${error.host} answered HTTP ${error.status} with a page that is not Microsoft Entra ID's. Check the cloud setting and authority_host_override.`,
          { httpStatus: error.status, internalMessage: error.message },
        );
  }
  if (!(error instanceof AuthError)) {
    return systemError('Token acquisition failed unexpectedly. Please report this with the log of the run.', {
      internalMessage: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      cause: error,
    });
  }
  return mapMsalError(error, context);
}

function mapMsalError(error: AuthError, context: AuthErrorContext): ConnectorError {
  const code = aadstsCode(error);
  const internalMessage = `${error.errorCode}${error.subError ? `/${error.subError}` : ''}: ${firstLine(error.errorMessage)}`;
  const vendorCode = code === undefined ? undefined : `AADSTS${code}`;
  const status = httpStatusOf(error);
  if (code !== undefined) {
    const message = messageFor(code, context);
    if (message) return configError(message, { vendorCode, internalMessage, httpStatus: status });
  }
  if (
    error.errorCode === 'temporarily_unavailable' ||
    error.errorCode === 'server_error' ||
    (status ?? 0) >= 500
  ) {
    return transientError(
      `Microsoft Entra ID at ${hostOf(context.authorityHost)} is temporarily unavailable; try again later.`,
      {
        vendorCode,
        internalMessage,
        httpStatus: status,
      },
    );
  }
  if (status === 429 || error.errorCode === 'request_throttled' || error.errorCode === 'throttled') {
    return transientError('Microsoft Entra ID is throttling token requests; try again in a minute.', {
      vendorCode,
      internalMessage,
      httpStatus: status,
    });
  }
  if (error.errorCode === 'missing_tenant_id_error') {
    return configError(
      'credentials.tenant_id must be your tenant (its Directory (tenant) ID or a verified domain), not common or organizations.',
      { internalMessage },
    );
  }
  if (error.errorCode === 'network_error') {
    return transientError(`Could not reach Microsoft Entra ID at ${hostOf(context.authorityHost)}.`, {
      internalMessage,
    });
  }
  if (code !== undefined) {
    return configError(
      `Microsoft Entra ID refused the token request for app ${context.clientId} (AADSTS${code}). See https://login.microsoftonline.com/error?code=${code} for the fix.`,
      { vendorCode, internalMessage, httpStatus: status },
    );
  }
  return configError(
    `Could not sign in to Microsoft Entra ID (${error.errorCode}). Check credentials.tenant_id, the cloud setting and authority_host_override.`,
    { internalMessage },
  );
}

function isTlsTrustFailure(reason: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT_ALTNAME_INVALID/.test(reason);
}

/** msal's ServerError carries Entra's first error code as errorNo (a number or a string). */
function aadstsCode(error: AuthError): number | undefined {
  const errorNo = (error as AuthError & { errorNo?: unknown }).errorNo;
  const fromField = typeof errorNo === 'number' || typeof errorNo === 'string' ? Number(errorNo) : NaN;
  if (Number.isInteger(fromField) && fromField > 0) return fromField;
  const match = /AADSTS(\d+)/.exec(error.errorMessage);
  return match?.[1] ? Number(match[1]) : undefined;
}

function httpStatusOf(error: AuthError): number | undefined {
  const status = (error as AuthError & { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
