/**
 * Which reports and dashboards belong to which app, from the scan: an app's copies of reports carry
 * appId and originalReportObjectId in the source workspace's scan result. Kept per workspace in
 * the apps stream's state, so that apps whose workspace was not re-scanned keep their content.
 */
import type { ScanWorkspace } from '../powerbi/scan-types.js';
import type { ScanObserver } from './api-stream.js';
import type { AppContent } from './app-record.js';
import { savedEntries, type StreamState } from './stream-state.js';

/** reports: [appId, appReportId, originalReportId]; dashboards: [appId, dashboardId]. */
export interface WorkspaceAppLinks {
  reports: [string, string, string][];
  dashboards: [string, string][];
}

export type AppLinks = Map<string, WorkspaceAppLinks>;

const lower = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined;

export function linksOf(ws: ScanWorkspace): WorkspaceAppLinks {
  const reports: [string, string, string][] = [];
  for (const r of ws.reports ?? []) {
    const appId = lower(r.appId);
    const id = lower(r.id);
    const original = lower(r.originalReportObjectId ?? r.originalReportId);
    if (appId && id && original) reports.push([appId, id, original]);
  }
  const dashboards: [string, string][] = [];
  for (const d of ws.dashboards ?? []) {
    const appId = lower(d.appId);
    const id = lower(d.id);
    if (appId && id) dashboards.push([appId, id]);
  }
  return { reports, dashboards };
}

export class AppLinkObserver implements ScanObserver {
  readonly seen: AppLinks = new Map();

  onWorkspace(workspace: ScanWorkspace): void {
    this.seen.set(workspace.id.toLowerCase(), linksOf(workspace));
  }
}

function tuples<N extends number>(value: unknown, size: N): string[][] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (t): t is string[] => Array.isArray(t) && t.length === size && t.every((v) => typeof v === 'string'),
  );
}

export function readLinks(state: StreamState | undefined): AppLinks {
  const links: AppLinks = new Map();
  for (const [wsId, entry] of savedEntries(state, 'workspaces')) {
    links.set(wsId, {
      reports: tuples(entry.r, 3) as [string, string, string][],
      dashboards: tuples(entry.b, 2) as [string, string][],
    });
  }
  return links;
}

/** Only workspaces that publish an app are kept (an empty entry means "scanned, no app content"). */
export function writeLinks(links: AppLinks, appWorkspaces: ReadonlySet<string>): StreamState {
  const out: StreamState = {};
  for (const [wsId, l] of links) if (appWorkspaces.has(wsId)) out[wsId] = { r: l.reports, b: l.dashboards };
  return out;
}

/** Undefined when the app's workspace was never scanned: its content is unknown, not empty. */
export function contentOf(
  links: AppLinks,
  appId: string,
  workspaceId: string | null,
): AppContent | undefined {
  const ws = workspaceId ? links.get(workspaceId.toLowerCase()) : undefined;
  if (!ws) return undefined;
  const app = appId.toLowerCase();
  return {
    reports: ws.reports
      .filter(([a]) => a === app)
      .map(([, appReportId, originalReportId]) => ({ appReportId, originalReportId })),
    dashboardIds: ws.dashboards.filter(([a]) => a === app).map(([, id]) => id),
  };
}
