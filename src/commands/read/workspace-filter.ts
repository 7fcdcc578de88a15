import type { Config } from '../../config/config.js';
import { compileNamePattern, type NamePattern } from '../../config/name-pattern.js';

/** What a sync does with a scanned workspace. */
export type WorkspaceTreatment = 'all-streams' | 'workspace-record-only' | 'skip';

/**
 * The config's workspace selection. Id filters apply before scanning; name filters apply before
 * scanning when names are known (admin/groups) and again on the scanned name as a safety net.
 */
export class WorkspaceFilter {
  private readonly includeIds: Set<string>;
  private readonly excludeIds: Set<string>;
  private readonly includeNames: NamePattern[];
  private readonly excludeNames: NamePattern[];

  constructor(private readonly selection: Config['workspaces']) {
    this.includeIds = new Set(selection.include_ids.map((id) => id.toLowerCase()));
    this.excludeIds = new Set(selection.exclude_ids.map((id) => id.toLowerCase()));
    this.includeNames = selection.include_name_patterns.map((p, i) =>
      compileNamePattern(p, `workspaces.include_name_patterns[${i}]`),
    );
    this.excludeNames = selection.exclude_name_patterns.map((p, i) =>
      compileNamePattern(p, `workspaces.exclude_name_patterns[${i}]`),
    );
  }

  get filtersByName(): boolean {
    return this.includeNames.length > 0 || this.excludeNames.length > 0;
  }

  acceptsId(id: string): boolean {
    const key = id.toLowerCase();
    if (this.excludeIds.has(key)) return false;
    return this.includeIds.size === 0 || this.includeIds.has(key);
  }

  acceptsName(name: string | null | undefined): boolean {
    const text = name ?? '';
    if (this.excludeNames.some((pattern) => pattern.test(text))) return false;
    return this.includeNames.length === 0 || this.includeNames.some((pattern) => pattern.test(text));
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
    if (!this.selection.include_personal_workspaces && isPersonal(workspace.type)) return 'skip';
    const active = (workspace.state ?? 'Active') === 'Active';
    return active || this.selection.include_inactive_workspaces ? 'all-streams' : 'workspace-record-only';
  }
}

export function isPersonal(type: string | null | undefined): boolean {
  return type === 'PersonalGroup' || type === 'Personal';
}
