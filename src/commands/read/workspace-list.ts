import type { WorkspaceSelection } from '../../config/options.js';
import type { PowerBiClient } from '../../powerbi/client.js';
import type { SyncPlan } from './sync-plan.js';
import { WorkspaceFilter } from './workspace-filter.js';

export interface WorkspaceList {
  /** Sorted, unique ids to scan (after a resume: only those after the resume point). */
  ids: string[];
  /** Ids filtered out by name before scanning (names from admin/groups). */
  excludedByName: number;
}

/** Names for the name filters, from admin/groups in pages of 5,000 (two calls for 10,000 workspaces). */
async function workspaceNames(client: Pick<PowerBiClient, 'iterateGroups'>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for await (const group of client.iterateGroups({ pageSize: 5000 })) {
    if (typeof group.id === 'string')
      names.set(group.id.toLowerCase(), typeof group.name === 'string' ? group.name : '');
  }
  return names;
}

/**
 * The workspaces a sync scans: admin/workspaces/modified (never paging admin/groups for ids),
 * plus the workspaces that failed last time, minus the configured exclusions. Inactive and
 * deleted workspaces are kept so their state reaches the destination.
 */
export async function listWorkspacesToScan(
  client: Pick<PowerBiClient, 'listModifiedWorkspaceIds' | 'iterateGroups'>,
  selection: WorkspaceSelection,
  plan: SyncPlan,
): Promise<WorkspaceList> {
  const filter = new WorkspaceFilter(selection);
  const listed = await client.listModifiedWorkspaceIds({
    ...(plan.modifiedSince && { modifiedSince: plan.modifiedSince }),
    excludePersonalWorkspaces: !selection.includePersonalWorkspaces,
    excludeInActiveWorkspaces: false,
  });
  const candidates = [
    ...new Set([...listed, ...plan.retryWorkspaceIds].map((id) => id.toLowerCase())),
  ].filter((id) => filter.acceptsId(id));
  let excludedByName = 0;
  let ids = candidates;
  if (filter.filtersByName && candidates.length > 0) {
    const names = await workspaceNames(client);
    ids = candidates.filter((id) => !names.has(id) || filter.acceptsName(names.get(id)));
    excludedByName = candidates.length - ids.length;
  }
  ids.sort();
  const resumeAfter = plan.resumeAfterId?.toLowerCase();
  return { ids: resumeAfter ? ids.filter((id) => id > resumeAfter) : ids, excludedByName };
}
