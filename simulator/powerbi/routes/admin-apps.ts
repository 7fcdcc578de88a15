import { listApps } from '../../tenant/apps.js';
import type { PowerBiContext, PowerBiRequest } from '../context.js';
import { invalidRequest } from '../errors.js';
import { sendJson } from '../http.js';
import { intParam } from '../paging.js';

/**
 * GET admin/apps: $top is required.
 * https://learn.microsoft.com/rest/api/power-bi/admin/apps-get-apps-as-admin
 */
export function adminApps(ctx: PowerBiContext, r: PowerBiRequest): void {
  const top = intParam(r.url, '$top');
  const skip = intParam(r.url, '$skip') ?? 0;
  if (top === undefined) return invalidRequest(r.res, "The query parameter '$top' is required.");
  if (Number.isNaN(top) || top < 1)
    return invalidRequest(r.res, "The query parameter '$top' must be a positive integer.");
  if (Number.isNaN(skip))
    return invalidRequest(r.res, "The query parameter '$skip' must be a non-negative integer.");
  sendJson(r.res, 200, {
    '@odata.context': `${r.origin}/v1.0/myorg/admin/$metadata#apps`,
    value: listApps(ctx.tenant.ctx).slice(skip, skip + top),
  });
}
