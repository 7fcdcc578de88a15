import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl, type ControlTarget } from './control.js';
import type { EntraSim } from './entra/index.js';
import { applyFault } from './fault-response.js';
import type { Faults } from './faults.js';
import { authorizeFabric } from './fabric/routes.js';
import { authorize } from './powerbi/auth.js';
import type { Budgets } from './powerbi/budgets.js';
import type { PowerBiContext } from './powerbi/context.js';
import { ADMIN_ENDPOINTS, type EndpointName } from './powerbi/endpoints.js';
import { notFoundRoute, throttled } from './powerbi/errors.js';
import { matchRoute } from './powerbi/routes.js';
import type { RequestStats } from './stats.js';
import type { TlsMaterial } from './tls.js';

export interface ServerDeps {
  tls: TlsMaterial;
  entra: EntraSim;
  powerbi: PowerBiContext;
  faults: Faults;
  budgets: Budgets;
  stats: RequestStats;
  control: ControlTarget;
  latencyMs: number;
}

export interface RunningServer {
  origin: string;
  close(): Promise<void>;
}

const TOKEN_PATH = /^\/[^/]+\/oauth2\/(v2\.0\/)?token$/i;
const ENTRA_PATH = /^\/[^/]+\/(oauth2|v2\.0|discovery|\.well-known)(\/.*)?$/;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function classify(
  method: string,
  pathname: string,
): { endpoint: EndpointName; match: ReturnType<typeof matchRoute> } {
  const match = matchRoute(method, pathname);
  if (match) return { endpoint: match.route.endpoint, match };
  const endpoint = TOKEN_PATH.test(pathname) ? 'token' : ENTRA_PATH.test(pathname) ? 'entra' : 'unknown';
  return { endpoint, match: undefined };
}

async function handle(
  deps: ServerDeps,
  origin: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', origin);
  if (url.pathname.startsWith('/__simulator/')) return handleControl(req, res, url, deps.control);
  const { endpoint, match } = classify(req.method ?? 'GET', url.pathname);
  deps.stats.count(endpoint);
  res.on('finish', () => deps.stats.status(res.statusCode));
  if (deps.latencyMs > 0) await sleep(deps.latencyMs);
  const fault = deps.faults.take(endpoint);
  if (fault && (await applyFault(fault, req, res, deps.entra))) return;
  if (!match) {
    if (await deps.entra.handle(req, res, url, origin)) return;
    return notFoundRoute(res);
  }
  const claims = match.route.fabric
    ? authorizeFabric(deps.powerbi, req.headers.authorization, origin, res)
    : authorize(
        deps.powerbi,
        req.headers.authorization,
        origin,
        ADMIN_ENDPOINTS.has(match.route.endpoint),
        res,
      );
  if (!claims) return;
  const budget = deps.budgets.take(match.route.endpoint, `${claims.appid}:${claims.oid}`);
  if (!budget.ok) {
    deps.stats.throttle(endpoint);
    return throttled(res, budget.retryAfterSeconds);
  }
  await match.route.handler(deps.powerbi, { req, res, url, origin, claims, fault, params: match.params });
}

/** One HTTPS server on loopback: Entra, then Power BI routes, then /__simulator/*. */
export async function startServer(deps: ServerDeps, port = 0): Promise<RunningServer> {
  let origin = '';
  const server: Server = createServer({ key: deps.tls.key, cert: deps.tls.cert }, (req, res) => {
    handle(deps, origin, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`simulator error: ${(error as Error).message}`);
      } else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
