import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EntraSim } from './entra/index.js';
import type { FiredFault } from './faults.js';
import { serverError, throttled } from './powerbi/errors.js';
import { pbiHeaders } from './powerbi/http.js';
import { drip, writeDeepJson, writeHugeJson } from './hostile-payloads.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Carries out a fault. Returns true when the fault replaced the answer (or the connection);
 * false when the request proceeds (slow, drip, token-expiry, and the scan faults its handler reads).
 */
export async function applyFault(
  fault: FiredFault,
  req: IncomingMessage,
  res: ServerResponse,
  entra: EntraSim,
): Promise<boolean> {
  switch (fault.kind) {
    case '429':
      throttled(res, fault.retryAfterSeconds, fault.retryAfter);
      return true;
    case '429-no-retry-after':
      throttled(res, undefined);
      return true;
    case '500':
      serverError(res, 500);
      return true;
    case '502':
      serverError(res, 502);
      return true;
    case '503':
      serverError(res, 503);
      return true;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'timeout':
      // Never answer; the client's timeout has to end it (close() drops the socket).
      req.resume();
      return true;
    case 'malformed':
      res.writeHead(200, pbiHeaders());
      res.end('{"value":[{"id":"3f2c1a9e-');
      return true;
    case 'slow':
      await sleep(fault.delayMs);
      return false;
    case 'token-expiry':
      entra.expireAccessTokens();
      return false;
    case 'drip':
      drip(res, fault.dripBytes, fault.dripIntervalMs);
      return false;
    case 'huge-body':
      await writeHugeJson(res, fault.sizeBytes);
      return true;
    case 'deep-body':
      await writeDeepJson(res, fault.depth);
      return true;
    case 'scan-failed':
    case 'scan-stuck':
    case 'result-expired':
    case 'deep-workspace':
    case 'huge-string-workspace':
      return false;
  }
}
