/**
 * The one error type the connector raises on purpose. Every failure that reaches the user carries
 * a plain-words message that names the fix, an Airbyte failure type and, when the failure came
 * from Microsoft, the vendor's error code (an AADSTS number or a Power BI error code).
 */
export type FailureType = 'config_error' | 'transient_error' | 'system_error';

export interface ConnectorErrorOptions {
  failureType: FailureType;
  /** Technical detail for the TRACE's internal_message (never a secret; the writer redacts anyway). */
  internalMessage?: string;
  /** Microsoft's code, e.g. "AADSTS7000215" or "PowerBINotAuthorizedException". */
  vendorCode?: string;
  /** HTTP status of the failing call, when there was one. */
  httpStatus?: number;
  /** Epoch ms before which a retry is pointless (429 Retry-After), when known. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class ConnectorError extends Error {
  readonly failureType: FailureType;
  readonly internalMessage: string | undefined;
  readonly vendorCode: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(userMessage: string, options: ConnectorErrorOptions) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.failureType = options.failureType;
    this.internalMessage = options.internalMessage;
    this.vendorCode = options.vendorCode;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function configError(message: string, options: Omit<ConnectorErrorOptions, 'failureType'> = {}) {
  return new ConnectorError(message, { ...options, failureType: 'config_error' });
}

export function transientError(message: string, options: Omit<ConnectorErrorOptions, 'failureType'> = {}) {
  return new ConnectorError(message, { ...options, failureType: 'transient_error' });
}

export function systemError(message: string, options: Omit<ConnectorErrorOptions, 'failureType'> = {}) {
  return new ConnectorError(message, { ...options, failureType: 'system_error' });
}

/** Wraps anything thrown into a ConnectorError; unknown errors are bugs, hence system_error. */
export function asConnectorError(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return systemError('The connector failed unexpectedly. Please report this with the log of the run.', {
    internalMessage: text,
    cause: error,
  });
}
