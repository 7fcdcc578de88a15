import { rngFrom } from '../random.js';
import type { TenantContext } from './context.js';
import { userAt } from './users.js';

export interface AdminApp {
  id: string;
  name: string;
  description?: string;
  publishedBy: string;
  lastUpdate: string;
  workspaceId: string;
}

/** Apps published from workspaces (admin/apps). */
export function listApps(ctx: TenantContext): AdminApp[] {
  const apps: AdminApp[] = [];
  for (const sk of ctx.skeletons) {
    if (!sk.appId) continue;
    const rng = rngFrom(ctx.seed, sk.index, 'app');
    const app: AdminApp = {
      id: sk.appId,
      name: sk.name.replace(/ \d+$/, ''),
      publishedBy: userAt(ctx.directory, sk.owner).displayName,
      lastUpdate: new Date(sk.baseModified).toISOString(),
      workspaceId: sk.id,
    };
    if (rng.chance(0.6)) app.description = `${app.name} for the field`;
    apps.push(app);
  }
  return apps;
}
