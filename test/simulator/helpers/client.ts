import https from 'node:https';
import type { Simulator } from '../../../simulator/index.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Parsed body; undefined when it is not JSON. */
  json: unknown;
}

/** One HTTPS request to the simulator, trusting only its CA. */
export function call(
  sim: Simulator,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; form?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload =
      options.form !== undefined
        ? new URLSearchParams(options.form).toString()
        : options.body !== undefined
          ? typeof options.body === 'string'
            ? options.body
            : JSON.stringify(options.body)
          : undefined;
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    else if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const req = https.request(
      `${sim.url}${path}`,
      { method, ca: sim.caCertificate, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
        res.on('error', reject);
      },
    );
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A bearer token from the simulator's real token endpoint (client credentials with a secret). */
export async function appToken(
  sim: Simulator,
  app: { clientId: string; clientSecret: string } = sim.credentials.secretApp,
): Promise<string> {
  const reply = await call(sim, 'POST', `/${sim.credentials.tenantId}/oauth2/v2.0/token`, {
    form: {
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: 'https://analysis.windows.net/powerbi/api/.default',
      grant_type: 'client_credentials',
    },
  });
  const token = (reply.json as { access_token?: string } | undefined)?.access_token;
  if (reply.status !== 200 || !token) throw new Error(`token request failed: ${reply.status}`);
  return token;
}

export const API = '/v1.0/myorg';
