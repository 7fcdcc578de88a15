import { resolveFabricEndpoints } from '../auth/clouds.js';
import { MsalTokenProvider } from '../auth/msal-token-provider.js';
import type { AuthSettings } from '../auth/settings.js';
import type { AuthOptions, ConnectorOptions } from '../config/options.js';
import { createPowerBiClient, type PowerBiClient, type PowerBiClientOptions } from '../powerbi/client.js';
import type { WaitInfo } from '../powerbi/rate-limiter.js';
import {
  configControlMessage,
  logMessage,
  type AirbyteMessage,
  type JsonObject,
} from '../protocol/messages.js';
import type { CommandContext } from './context.js';

export interface PowerBiSession {
  client: PowerBiClient;
  tokens: MsalTokenProvider;
  close(): void;
}

/** Limits that differ from a sync's (check gives up quickly); unset fields use the config's. */
export interface SessionTuning {
  requestTimeoutSeconds?: number;
  maxRetryWaitSeconds?: number;
  entraTimeoutMs?: number;
  entraRetryDelaysMs?: readonly number[];
  retry?: PowerBiClientOptions['retry'];
  maxScansInFlight?: number;
  signal?: AbortSignal;
  /** Only warnings from the API client become LOG messages. */
  warningsOnly?: boolean;
}

export interface SessionHooks {
  /** Messages that must go out without waiting (CONTROL on rotation, LOG on long waits). */
  offer: (message: AirbyteMessage) => void;
  /** Told before every long wait, e.g. to emit RATE_LIMITED stream statuses. */
  onRateLimited?: (info: WaitInfo) => void;
}

/** The auth layer's settings (its contract keeps spec.json's field names). */
export function authSettings(auth: AuthOptions): AuthSettings {
  return {
    credentials: auth.credentials,
    cloud: auth.cloud,
    ...(auth.authorityHostOverride && { authority_host_override: auth.authorityHostOverride }),
    ...(auth.apiBaseUrlOverride && { api_base_url_override: auth.apiBaseUrlOverride }),
    ...(auth.tlsCaCertificate && { tls_ca_certificate: auth.tlsCaCertificate }),
  };
}

/** Waits shorter than this are routine backoff, not worth telling anyone about. */
const NOTABLE_WAIT_MS = 5_000;

/**
 * Builds the run's token provider and API client. A rotated refresh token is handed to the platform
 * at once as a CONTROL message carrying the whole updated config (Airbyte replaces the stored one).
 */
export function connectPowerBi(
  options: ConnectorOptions,
  context: CommandContext,
  hooks: SessionHooks,
  tuning: SessionTuning = {},
): PowerBiSession {
  let currentConfig = structuredClone(options.input) as unknown as JsonObject;
  const tokens = new MsalTokenProvider({
    settings: authSettings(options.auth),
    secrets: context.redactor,
    ...(tuning.entraTimeoutMs !== undefined && { networkTimeoutMs: tuning.entraTimeoutMs }),
    ...(tuning.entraRetryDelaysMs && { retryDelaysMs: [...tuning.entraRetryDelaysMs] }),
    onRefreshTokenRotated: (refreshToken) => {
      currentConfig = {
        ...currentConfig,
        credentials: { ...(currentConfig.credentials as JsonObject), refresh_token: refreshToken },
      };
      hooks.offer(configControlMessage(currentConfig));
    },
  });
  // The Fabric API only when report definitions are read: no Fabric token is asked for otherwise.
  const fabric = options.reportDefinitions.enabled
    ? resolveFabricEndpoints(options.auth.cloud, options.reportDefinitions.fabricApiBaseUrlOverride)
    : undefined;
  const client = createPowerBiClient({
    apiBaseUrl: tokens.cloudEndpoints.apiBaseUrl,
    tokenProvider: tokens,
    ...(fabric && {
      fabric: { apiBaseUrl: fabric.apiBaseUrl, tokenProvider: tokens.forScope(fabric.scope) },
    }),
    ...(options.auth.tlsCaCertificate && { caCertificate: options.auth.tlsCaCertificate }),
    maxRetryWaitSeconds: Math.min(options.http.maxRetryWaitSeconds, tuning.maxRetryWaitSeconds ?? Infinity),
    requestTimeoutMs:
      Math.min(options.http.requestTimeoutSeconds, tuning.requestTimeoutSeconds ?? Infinity) * 1000,
    ...(tuning.retry && { retry: tuning.retry }),
    ...(tuning.maxScansInFlight !== undefined && { maxScansInFlight: tuning.maxScansInFlight }),
    ...(tuning.signal && { signal: tuning.signal }),
    log: (level, message) => {
      if (level === 'debug' || (tuning.warningsOnly && level !== 'warn')) return;
      hooks.offer(logMessage(level === 'warn' ? 'WARN' : 'INFO', message));
    },
    onWait: (info) => {
      const waitMs = info.untilMs - Date.now();
      if (waitMs < NOTABLE_WAIT_MS) return;
      hooks.offer(
        logMessage('INFO', `Waiting ${Math.round(waitMs / 1000)}s for ${info.endpoint} (${info.reason}).`),
      );
      hooks.onRateLimited?.(info);
    },
  });
  return { client, tokens, close: () => client.close() };
}
