import type { MsalTokenProvider } from '../../auth/msal-token-provider.js';
import type { ConnectorOptions } from '../../config/options.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import type { AirbyteMessage } from '../../protocol/messages.js';
import type { CommandContext } from '../context.js';
import { connectPowerBi } from '../session.js';

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
  /** One report definition's long-running operation, polls included. */
  reportDefinitionWaitMs: 30_000,
} as const;

export interface CheckSession {
  client: PowerBiClient;
  tokens: MsalTokenProvider;
  /** Aborted when check runs past CHECK_LIMITS.deadlineMs. */
  deadline: AbortSignal;
  close(): void;
}

/** connectPowerBi (session.ts) with check's limits and one deadline for every call. */
export function connectForCheck(
  options: ConnectorOptions,
  context: CommandContext,
  offer: (message: AirbyteMessage) => void,
): CheckSession {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), CHECK_LIMITS.deadlineMs);
  timer.unref();
  const session = connectPowerBi(
    options,
    context,
    { offer },
    {
      requestTimeoutSeconds: CHECK_LIMITS.requestTimeoutSeconds,
      maxRetryWaitSeconds: CHECK_LIMITS.maxRetryWaitSeconds,
      entraTimeoutMs: CHECK_LIMITS.entraTimeoutMs,
      entraRetryDelaysMs: CHECK_LIMITS.entraRetryDelaysMs,
      retry: CHECK_LIMITS.retry,
      maxScansInFlight: 1,
      signal: controller.signal,
      warningsOnly: true,
    },
  );
  return {
    ...session,
    deadline: controller.signal,
    close: () => {
      clearTimeout(timer);
      session.close();
    },
  };
}
