import type { WorkspaceSelection } from '../../config/options.js';
import { WorkspaceFilter } from '../read/workspace-filter.js';

/**
 * How many workspaces check scans, in ONE getInfo call (Power BI allows 100): enough that some hold
 * a semantic model with tables, few enough that the scan takes seconds.
 */
export const SAMPLE_SIZE = 20;

/** The workspaces to test-scan: those the config selects by id first, then the tenant's order. */
export function sampleWorkspaces(listed: readonly string[], selection: WorkspaceSelection): string[] {
  const filter = new WorkspaceFilter(selection);
  return [...new Set(listed)].filter((id) => filter.acceptsId(id)).slice(0, SAMPLE_SIZE);
}
