/**
 * The reports the report streams read, from the shared scan: each scanned workspace's reports with
 * what reading them needs (workspace, dataset, last change, kind). The observer of the
 * report_visuals stream also keeps the scanned datasets' names, to check visual fields against.
 */
import type { ScanReport, ScanWorkspace } from '../powerbi/scan-types.js';
import type { ScanObserver } from './api-stream.js';
import { DatasetSchemas } from './report-dataset-schemas.js';
import { list, text, utcDateTime } from './values.js';

/**
 * report: a Power BI report to read; paginated: no pages or visuals to read; app_copy: an app's
 * copy (read through its original); personal: in a personal workspace, where a service principal
 * is never a member.
 */
export type ReportKind = 'report' | 'paginated' | 'app_copy' | 'personal';

export interface ReportTarget {
  id: string;
  workspaceId: string;
  name: string | null;
  datasetId: string | null;
  datasetWorkspaceId: string | null;
  /** Last change as the scan gives it (modifiedDateTime, else createdDateTime), RFC 3339; '' when unknown. */
  modified: string;
  kind: ReportKind;
}

function kindOf(report: ScanReport, ws: ScanWorkspace): ReportKind {
  const type = (ws.type ?? '').toLowerCase();
  if (type === 'personalgroup' || type === 'personal') return 'personal';
  if (report.appId) return 'app_copy';
  if ((report.reportType ?? 'PowerBIReport').toLowerCase() === 'paginatedreport') return 'paginated';
  return 'report';
}

export function targetsOf(ws: ScanWorkspace): ReportTarget[] {
  const targets: ReportTarget[] = [];
  if ((ws.state ?? 'Active').toLowerCase() !== 'active') return targets;
  for (const report of list(ws.reports)) {
    const id = text(report.id);
    if (!id) continue;
    targets.push({
      id: id.toLowerCase(),
      workspaceId: ws.id.toLowerCase(),
      name: text(report.name),
      datasetId: text(report.datasetId)?.toLowerCase() ?? null,
      datasetWorkspaceId: text(report.datasetWorkspaceId)?.toLowerCase() ?? null,
      modified: utcDateTime(report.modifiedDateTime) ?? utcDateTime(report.createdDateTime) ?? '',
      kind: kindOf(report, ws),
    });
  }
  return targets;
}

export class ReportTargetObserver implements ScanObserver {
  readonly seen = new Map<string, ReportTarget>();
  /** Workspaces the scan returned, reports or not. */
  workspaces = 0;
  readonly schemas: DatasetSchemas | undefined;

  constructor(options: { withSchemas: boolean }) {
    this.schemas = options.withSchemas ? new DatasetSchemas() : undefined;
  }

  onWorkspace(workspace: ScanWorkspace): void {
    this.workspaces += 1;
    for (const target of targetsOf(workspace)) this.seen.set(target.id, target);
    if (this.schemas) for (const dataset of list(workspace.datasets)) this.schemas.add(dataset);
  }
}

/** A target as the state keeps it: [workspaceId, modified, kind, name, datasetId, datasetWorkspaceId]. */
export type SavedTarget = [string, string, ReportKind, string | null, string | null, string | null];

const KINDS = new Set<string>(['report', 'paginated', 'app_copy', 'personal']);
const nullableText = (value: unknown): value is string | null => value === null || typeof value === 'string';

export function saveTarget(t: ReportTarget): SavedTarget {
  return [t.workspaceId, t.modified, t.kind, t.name, t.datasetId, t.datasetWorkspaceId];
}

export function loadTarget(id: string, value: unknown): ReportTarget | undefined {
  if (!Array.isArray(value) || value.length < 6) return undefined;
  const [workspaceId, modified, kind, name, datasetId, datasetWorkspaceId] = value as unknown[];
  if (typeof workspaceId !== 'string' || typeof modified !== 'string') return undefined;
  if (typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (!nullableText(name) || !nullableText(datasetId) || !nullableText(datasetWorkspaceId)) return undefined;
  return { id, workspaceId, modified, kind: kind as ReportKind, name, datasetId, datasetWorkspaceId };
}
