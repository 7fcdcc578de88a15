import { MsalTokenProvider } from '../../auth/msal-token-provider.js';
import type { Config } from '../../config/config.js';
import { createPowerBiClient, type PowerBiClient } from '../../powerbi/client.js';
import {
  configControlMessage,
  logMessage,
  type AirbyteMessage,
  type JsonObject,
} from '../../protocol/messages.js';
import type { CommandContext } from '../context.js';
import { authSettings } from '../session.js';

/**
 * check diagnoses, so it gives up quickly where a sync is patient: short timeouts, few retries,
 * and one deadline for all Power BI calls.
 */
export const CHECK_LIMITS = {
  requestTimeoutSeconds: 30,
  maxRetryWaitSeconds: 30,
  entraTimeoutMs: 15_000,
  entraRetryDelaysMs: [500],
  retry: {
    maxAttempts: 3,
    baseDelayMs: 500,
    maxDelayMs: 2_000,
    maxElapsedMs: 20_000,
    throttleBaseDelayMs: 2_000,
    maxThrottledAttempts: 3,
  },
  deadlineMs: 120_000,
} as const;

export interface CheckSession {
  client: PowerBiClient;
  tokens: MsalTokenProvider;
  /** Aborted when check runs past CHECK_LIMITS.deadlineMs. */
  deadline: AbortSignal;
  close(): void;
}

/**
 * Like connectPowerBi (session.ts) with check's limits. A rotated refresh token goes out at once as
 * a CONTROL message carrying the whole config, as in read: Airbyte honours it in check too.
 */
export function connectForCheck(
  config: Config,
  context: CommandContext,
  offer: (message: AirbyteMessage) => void,
): CheckSession {
  let currentConfig = structuredClone(config.input) as unknown as JsonObject;
  const tokens = new MsalTokenProvider({
    settings: authSettings(config),
    secrets: context.redactor,
    networkTimeoutMs: CHECK_LIMITS.entraTimeoutMs,
    retryDelaysMs: [...CHECK_LIMITS.entraRetryDelaysMs],
    onRefreshTokenRotated: (refreshToken) => {
      currentConfig = {
        ...currentConfig,
        credentials: { ...(currentConfig.credentials as JsonObject), refresh_token: refreshToken },
      };
      offer(configControlMessage(currentConfig));
    },
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), CHECK_LIMITS.deadlineMs);
  timer.unref();
  const client = createPowerBiClient({
    apiBaseUrl: tokens.cloudEndpoints.apiBaseUrl,
    tokenProvider: tokens,
    ...(config.tlsCaCertificate && { caCertificate: config.tlsCaCertificate }),
    maxRetryWaitSeconds: Math.min(config.maxRetryWaitSeconds, CHECK_LIMITS.maxRetryWaitSeconds),
    requestTimeoutMs: Math.min(config.requestTimeoutSeconds, CHECK_LIMITS.requestTimeoutSeconds) * 1000,
    retry: CHECK_LIMITS.retry,
    maxScansInFlight: 1,
    signal: controller.signal,
    log: (level, message) => {
      if (level === 'warn') offer(logMessage('WARN', message));
    },
  });
  return {
    client,
    tokens,
    deadline: controller.signal,
    close: () => {
      clearTimeout(timer);
      client.close();
    },
  };
}
