/**
 * What went wrong with one HTTP attempt, stripped of everything the request carried (headers, the
 * bearer token, axios config): only what the retry policy needs and what is safe to log.
 */
export type HttpFailure =
  | {
      kind: 'http';
      status: number;
      vendorCode?: string;
      vendorMessage?: string;
      /** Delay asked for by Retry-After, in ms. */
      retryAfterMs?: number;
      /** A Retry-After header that was present but unusable (negative, junk, over a day): ignored. */
      retryAfterIgnored?: { value: string; reason: string };
      requestId?: string;
    }
  /** Connection reset, refused, timed out, TLS failure...: `code` is Node's or axios' error code. */
  | { kind: 'network'; code: string; detail: string }
  /** A 2xx whose body is not the JSON it should be (truncated, malformed). */
  | { kind: 'invalid-body'; status: number; detail: string; requestId?: string }
  /** A body over one of the limits on what is read from the network (size, nesting): not read further. */
  | { kind: 'over-limit'; status: number; detail: string; requestId?: string };

export function describeFailure(failure: HttpFailure): string {
  switch (failure.kind) {
    case 'http': {
      const code = failure.vendorCode ? ` ${failure.vendorCode}` : '';
      const message = failure.vendorMessage ? `: ${failure.vendorMessage}` : '';
      const request = failure.requestId ? ` (RequestId ${failure.requestId})` : '';
      return `HTTP ${failure.status}${code}${message}${request}`;
    }
    case 'network':
      return `${failure.code}: ${failure.detail}`;
    case 'invalid-body':
      return `HTTP ${failure.status} with an unreadable body: ${failure.detail}`;
    case 'over-limit':
      return `HTTP ${failure.status} with a body over the limit: ${failure.detail}`;
  }
}
