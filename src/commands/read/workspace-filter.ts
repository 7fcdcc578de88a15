import type { WorkspaceSelection } from '../../config/options.js';

/** What a sync does with a scanned workspace. */
export type WorkspaceTreatment = 'all-streams' | 'workspace-record-only' | 'skip';

/**
 * The config's workspace selection. Id filters apply before scanning; name filters apply before
 * scanning when names are known (admin/groups) and again on the scanned name as a safety net.
 */
export class WorkspaceFilter {
  private readonly includeIds: Set<string>;
  private readonly excludeIds: Set<string>;

  constructor(private readonly selection: WorkspaceSelection) {
    this.includeIds = new Set(selection.includeIds.map((id) => id.toLowerCase()));
    this.excludeIds = new Set(selection.excludeIds.map((id) => id.toLowerCase()));
  }

  get filtersByName(): boolean {
    return this.selection.includeNamePatterns.length > 0 || this.selection.excludeNamePatterns.length > 0;
  }

  acceptsId(id: string): boolean {
    const key = id.toLowerCase();
    if (this.excludeIds.has(key)) return false;
    return this.includeIds.size === 0 || this.includeIds.has(key);
  }

  acceptsName(name: string | null | undefined): boolean {
    const text = name ?? '';
    const { includeNamePatterns: include, excludeNamePatterns: exclude } = this.selection;
    if (exclude.some((pattern) => pattern.test(text))) return false;
    return include.length === 0 || include.some((pattern) => pattern.test(text));
  }

  /**
   * Inactive and deleted workspaces are always scanned so their state reaches the destination (that
   * is how deletions propagate); unless the config includes them, only their workspace record is emitted.
   */
  treat(workspace: {
    id: string;
    name?: string | null;
    type?: string | null;
    state?: string | null;
  }): WorkspaceTreatment {
    if (!this.acceptsId(workspace.id) || !this.acceptsName(workspace.name)) return 'skip';
    if (!this.selection.includePersonalWorkspaces && isPersonal(workspace.type)) return 'skip';
    const active = (workspace.state ?? 'Active') === 'Active';
    return active || this.selection.includeInactiveWorkspaces ? 'all-streams' : 'workspace-record-only';
  }
}

export function isPersonal(type: string | null | undefined): boolean {
  return type === 'PersonalGroup' || type === 'Personal';
}
