import type { EndpointName } from './powerbi/endpoints.js';

/** Request counters per endpoint, exposed by stats() and GET /__simulator/stats. */
export class RequestStats {
  readonly requests: Partial<Record<EndpointName, number>> = {};
  readonly throttled: Partial<Record<EndpointName, number>> = {};
  readonly statuses: Record<string, number> = {};

  count(endpoint: EndpointName): void {
    this.requests[endpoint] = (this.requests[endpoint] ?? 0) + 1;
  }

  throttle(endpoint: EndpointName): void {
    this.throttled[endpoint] = (this.throttled[endpoint] ?? 0) + 1;
  }

  status(code: number): void {
    this.statuses[String(code)] = (this.statuses[String(code)] ?? 0) + 1;
  }
}
