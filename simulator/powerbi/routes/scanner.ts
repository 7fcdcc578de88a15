import { MINUTE, DAY } from '../../clock.js';
import type { ScanFlags } from '../../tenant/types.js';
import type { PowerBiContext, PowerBiRequest } from '../context.js';
import { entityNotFound, invalidRequest, throttled } from '../errors.js';
import { boolParam, GUID, readBody, sendJson } from '../http.js';
import { streamScanResult } from '../scan-result-stream.js';

/**
 * GET admin/workspaces/modified: modifiedSince must lie between 30 minutes and 30 days ago.
 * https://learn.microsoft.com/rest/api/power-bi/admin/workspace-info-get-modified-workspaces
 */
export function modified(ctx: PowerBiContext, r: PowerBiRequest): void {
  const raw = r.url.searchParams.get('modifiedSince');
  let since: number | undefined;
  if (raw !== null) {
    since = Date.parse(raw);
    const now = ctx.clock.now();
    if (Number.isNaN(since)) return invalidRequest(r.res, 'modifiedSince must be an ISO 8601 UTC date-time.');
    if (since > now - 30 * MINUTE || since < now - 30 * DAY) {
      return invalidRequest(
        r.res,
        'modifiedSince must be between 30 minutes and 30 days before the current time.',
      );
    }
  }
  const ids = ctx.tenant.modifiedIds({
    since,
    excludePersonal: boolParam(r.url, 'excludePersonalWorkspaces'),
    excludeInactive: boolParam(r.url, 'excludeInActiveWorkspaces'),
  });
  sendJson(r.res, 200, ctx.payloads.modifiedList(ids.map((id) => ({ id }))));
}

function flagsOf(url: URL): ScanFlags {
  return {
    lineage: boolParam(url, 'lineage'),
    datasourceDetails: boolParam(url, 'datasourceDetails'),
    datasetSchema: boolParam(url, 'datasetSchema'),
    datasetExpressions: boolParam(url, 'datasetExpressions'),
    getArtifactUsers: boolParam(url, 'getArtifactUsers'),
  };
}

function workspaceIds(body: string): string[] | undefined {
  try {
    const parsed = JSON.parse(body) as { workspaces?: unknown };
    const list = parsed.workspaces;
    if (!Array.isArray(list) || !list.every((x): x is string => typeof x === 'string')) return undefined;
    return list;
  } catch {
    return undefined;
  }
}

/**
 * POST admin/workspaces/getInfo: 1..100 ids, at most 16 scans in flight.
 * https://learn.microsoft.com/rest/api/power-bi/admin/workspace-info-post-workspace-info
 */
export async function getInfo(ctx: PowerBiContext, r: PowerBiRequest): Promise<void> {
  const ids = workspaceIds(await readBody(r.req));
  if (!ids) return invalidRequest(r.res, 'The request body must be {"workspaces": [<workspace id>, ...]}.');
  if (ids.length < 1 || ids.length > 100)
    return invalidRequest(r.res, 'The number of workspaces in the request must be between 1 and 100.');
  const bad = ids.find((id) => !GUID.test(id));
  if (bad !== undefined) return invalidRequest(r.res, `Invalid workspace id '${bad}'.`);
  // Peers report the in-flight limit answering 429 without Retry-After (errors-and-limits.md §2).
  if (ctx.scans.inFlight() >= ctx.maxScansInFlight) return throttled(r.res, undefined);
  const workspaces = ids
    .map((id) => ctx.tenant.indexOf(id))
    .filter((i): i is number => i !== undefined)
    .map((index) => ({ index, revision: ctx.tenant.revision(index) }));
  const fate =
    r.fault?.kind === 'scan-failed' ? 'fail' : r.fault?.kind === 'scan-stuck' ? 'stuck' : 'succeed';
  const scan = ctx.scans.create(workspaces, flagsOf(r.url), ctx.settings, fate);
  const body = ctx.scans.describe(scan);
  sendJson(r.res, 202, body, { Location: `${r.origin}/v1.0/myorg/admin/workspaces/scanStatus/${scan.id}` });
}

export function scanStatus(ctx: PowerBiContext, r: PowerBiRequest): void {
  const scan = ctx.scans.get(r.params[0] ?? '');
  if (!scan || scan.expired) return entityNotFound(r.res);
  const body = ctx.scans.describe(scan);
  const extra: Record<string, string> =
    body.status === 'Succeeded'
      ? { Location: `${r.origin}/v1.0/myorg/admin/workspaces/scanResult/${scan.id}` }
      : {};
  sendJson(r.res, 200, body, extra);
}

/**
 * GET admin/workspaces/scanResult/{id}: only after Succeeded; kept 24 h. The expired answer
 * (404 PowerBIEntityNotFound) is our choice; Microsoft does not document it.
 */
export async function scanResult(ctx: PowerBiContext, r: PowerBiRequest): Promise<void> {
  const scan = ctx.scans.get(r.params[0] ?? '');
  if (scan && r.fault?.kind === 'result-expired') scan.expired = true;
  if (!scan || scan.expired) return entityNotFound(r.res);
  const status = ctx.scans.status(scan);
  if (status !== 'Succeeded')
    return invalidRequest(
      r.res,
      `Scan ${scan.id} has status ${status}; request the result after it succeeded.`,
    );
  const hostile =
    r.fault?.kind === 'deep-workspace'
      ? ({ kind: 'deep', depth: r.fault.depth } as const)
      : r.fault?.kind === 'huge-string-workspace'
        ? ({ kind: 'huge-string', sizeBytes: r.fault.sizeBytes } as const)
        : undefined;
  await streamScanResult(r.res, ctx.tenant, scan, ctx.payloads, hostile);
}
