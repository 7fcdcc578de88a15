import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultScript } from './faults.js';
import { readBody, sendJson } from './powerbi/http.js';
import type { MutationResult } from './tenant/tenant.js';

/** What the /__simulator/* endpoints drive. */
export interface ControlTarget {
  stats(): object;
  mutate(request: { workspaces: number; seed: number }): MutationResult;
  advanceClock(ms: number): void;
  scriptFault(fault: FaultScript): void;
}

async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * GET /__simulator/stats, POST /__simulator/mutate {"workspaces": N, "seed": S},
 * POST /__simulator/clock {"advanceMs": N}, POST /__simulator/faults {FaultScript}.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  target: ControlTarget,
): Promise<void> {
  const path = url.pathname.replace(/^\/__simulator/, '');
  try {
    if (req.method === 'GET' && path === '/stats') return sendJson(res, 200, target.stats());
    if (req.method === 'POST' && path === '/mutate') {
      const body = await jsonBody(req);
      const workspaces = Number(body.workspaces);
      const seed = Number(body.seed ?? 1);
      if (!Number.isInteger(workspaces) || workspaces < 1 || !Number.isFinite(seed)) {
        return sendJson(res, 400, { error: 'expected {"workspaces": N ≥ 1, "seed": S}' });
      }
      return sendJson(res, 200, target.mutate({ workspaces, seed }));
    }
    if (req.method === 'POST' && path === '/clock') {
      const body = await jsonBody(req);
      target.advanceClock(Number(body.advanceMs));
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'POST' && path === '/faults') {
      target.scriptFault((await jsonBody(req)) as unknown as FaultScript);
      return sendJson(res, 200, { ok: true });
    }
    sendJson(res, 404, { error: `no simulator control endpoint ${req.method ?? ''} ${url.pathname}` });
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
  }
}
