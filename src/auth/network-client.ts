import https from 'node:https';
import { createSecureContext, rootCertificates } from 'node:tls';
import {
  AuthError,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';

/**
 * A request to Entra that got no usable HTTP answer. It extends msal's AuthError so msal rethrows
 * it unchanged (any other error would become a bare "network_error" without the host).
 */
export class EntraUnreachableError extends AuthError {
  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super('network_error', '', `No response from ${host}: ${reason}`);
    // AuthError's constructor pins its own prototype; restore ours so instanceof works.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'EntraUnreachableError';
  }
}

/** The sign-in host answered with more bytes than any token response has: not Entra, or a broken proxy. */
export class EntraOversizedResponseError extends EntraUnreachableError {
  constructor(
    host: string,
    readonly limitBytes: number,
  ) {
    super(host, `its answer exceeded the ${limitBytes / 1024 / 1024} MiB limit on Entra responses`);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'EntraOversizedResponseError';
  }
}

/** An answer that is not JSON (a proxy's HTML page, a truncated body). */
export class EntraNonJsonResponseError extends AuthError {
  constructor(
    readonly host: string,
    readonly status: number,
  ) {
    super('token_parsing_error', '', `HTTP ${status} from ${host} with a body that is not JSON`);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = 'EntraNonJsonResponseError';
  }
}

export interface NetworkClientOptions {
  /** PEM of a CA to trust besides the system's ones. Verification is never disabled. */
  extraCaPem?: string;
  timeoutMs: number;
  /** Sees every request body first, so credentials msal builds (client assertions) can be registered. */
  onRequestBody?: (body: string) => void;
}

/**
 * msal-node 7 dropped its agent options and uses Node's global fetch, which cannot trust an extra CA
 * per client; `system.networkClient` is the supported way in.
 * https://github.com/AzureAD/microsoft-authentication-library-for-js/blob/dev/lib/msal-node/docs/v5-migration.md
 */
export function createNetworkClient(options: NetworkClientOptions): INetworkModule {
  // `ca` replaces Node's bundled roots, so keep them next to the extra one.
  const agent = options.extraCaPem
    ? new https.Agent({
        secureContext: createSecureContext({ ca: [...rootCertificates, options.extraCaPem] }),
        keepAlive: true,
      })
    : new https.Agent({ keepAlive: true });
  const send = <T>(
    method: 'GET' | 'POST',
    url: string,
    request?: NetworkRequestOptions,
    timeoutMs?: number,
  ) => {
    if (request?.body !== undefined) options.onRequestBody?.(request.body);
    return sendRequest<T>(agent, method, url, request, timeoutMs ?? options.timeoutMs);
  };
  return {
    sendGetRequestAsync: <T>(url: string, request?: NetworkRequestOptions, timeout?: number) =>
      send<T>('GET', url, request, timeout),
    sendPostRequestAsync: <T>(url: string, request?: NetworkRequestOptions) => send<T>('POST', url, request),
  };
}

/** Entra's token and discovery answers are a few KB; anything past this is not read (and not kept). */
export const MAX_ENTRA_RESPONSE_BYTES = 1024 * 1024;

function sendRequest<T>(
  agent: https.Agent,
  method: 'GET' | 'POST',
  url: string,
  request: NetworkRequestOptions | undefined,
  timeoutMs: number,
): Promise<NetworkResponse<T>> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    // `timeout` below bounds silence; this bounds the whole exchange, so a dripping answer ends too.
    const deadline = setTimeout(() => {
      fail(new EntraUnreachableError(target.host, `no complete answer within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(deadline);
      reject(error);
    };
    const req = https.request(
      target,
      { method, agent, headers: request?.headers, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ENTRA_RESPONSE_BYTES) {
            fail(new EntraOversizedResponseError(target.host, MAX_ENTRA_RESPONSE_BYTES));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(new EntraUnreachableError(target.host, describe(error))));
        res.on('end', () => {
          clearTimeout(deadline);
          const status = res.statusCode ?? 0;
          const headers = flattenHeaders(res.headers);
          try {
            resolve({ status, headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T });
          } catch {
            reject(new EntraNonJsonResponseError(target.host, status));
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => fail(new EntraUnreachableError(target.host, describe(error))));
    req.end(method === 'POST' ? (request?.body ?? '') : undefined);
  });
}

/** The error code (ECONNREFUSED, CERT_HAS_EXPIRED, …) or message; never the request. */
function describe(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}` : error.message;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
