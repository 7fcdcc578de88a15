import { rngFrom, uuidFor, type Rng } from '../random.js';
import { pbiLocalTime } from '../clock.js';
import type { TenantContext, WorkspaceSkeleton } from './context.js';
import { dashboardId, datasetId, reportId, reportName } from './ids.js';
import type { ScanDashboard, ScanDataset, ScanReport, ScanTile } from './types.js';
import { artifactUsers, userAt } from './users.js';

const REPORT_RIGHTS = ['Read', 'ReadWrite', 'ReadReshare', 'ReadCopy'] as const;

function timesBetween(rng: Rng, from: number, to: number): { created: number; modified: number } {
  const created = from + rng.next() * Math.max(0, to - from);
  return { created, modified: created + rng.next() * Math.max(0, to - created) };
}

function baseReport(
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  rng: Rng,
  id: string,
  name: string,
  paginated: boolean,
): ScanReport {
  const { created, modified } = timesBetween(rng, sk.createdAt, sk.baseModified);
  const owner = userAt(ctx.directory, sk.owner + rng.int(0, 2));
  const report: ScanReport = {
    id,
    name,
    createdDateTime: pbiLocalTime(created),
    modifiedDateTime: pbiLocalTime(modified),
    reportType: paginated ? 'PaginatedReport' : 'PowerBIReport',
  };
  if (rng.chance(0.8)) {
    report.createdBy = owner.identifier;
    report.modifiedBy = owner.identifier;
    if (rng.chance(0.6)) {
      report.createdById = owner.graphId;
      report.modifiedById = owner.graphId;
    }
  }
  if (rng.chance(0.3))
    report.description = rng.pick([
      'Daily KPIs',
      'Monthly review',
      'Operational detail',
      'Executive summary ✓',
    ]);
  if (rng.chance(0.1))
    report.endorsementDetails = rng.chance(0.5)
      ? { endorsement: 'Certified', certifiedBy: owner.identifier }
      : { endorsement: 'Promoted' };
  if (rng.chance(0.25)) report.sensitivityLabel = { labelId: rng.pick(ctx.sensitivityLabels) };
  report.users = rng.chance(0.25)
    ? []
    : artifactUsers(rng, ctx.directory, owner, 'reportUserAccessRight', 'Owner', REPORT_RIGHTS, 2);
  return report;
}

/** Reports of a workspace: per dataset, paginated (no dataset), cross-workspace, app copies. */
export function buildReports(
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  datasets: ScanDataset[],
): ScanReport[] {
  const rng = rngFrom(ctx.seed, sk.index, 'reports');
  const reports: ScanReport[] = [];
  let n = 0;
  for (const dataset of datasets) {
    const count = rng.chance(0.85) ? rng.int(1, 2) : 0;
    for (let i = 0; i < count; i++, n++) {
      const report = baseReport(
        ctx,
        sk,
        rng,
        reportId(ctx.seed, sk.index, n),
        reportName(ctx.seed, sk.index, dataset.name, n),
        false,
      );
      report.datasetId = dataset.id;
      reports.push(report);
    }
  }
  for (let i = 0; i < sk.paginatedReports; i++, n++) {
    reports.push(
      baseReport(
        ctx,
        sk,
        rng,
        reportId(ctx.seed, sk.index, n),
        `${rng.pick(['Invoice Register', 'Stock List', 'Statement'])} (paginated)`,
        true,
      ),
    );
  }
  const hosts = ctx.datasetHosts.filter((h) => h !== sk.index);
  if (sk.type === 'Workspace' && hosts.length > 0 && rng.chance(0.12)) {
    const host = rng.pick(hosts);
    const hostSk = ctx.skeletons[host];
    const report = baseReport(ctx, sk, rng, reportId(ctx.seed, sk.index, n++), 'Shared Model Report', false);
    report.datasetId = datasetId(ctx.seed, host, 0);
    report.datasetWorkspaceId = hostSk?.id;
    reports.push(report);
  }
  if (sk.appId) {
    for (const original of reports.slice(0, 2)) {
      if (original.reportType !== 'PowerBIReport') continue;
      const copy: ScanReport = {
        id: uuidFor(ctx.seed, sk.index, 'app-report', original.id),
        name: `[App] ${original.name}`,
        appId: sk.appId,
        originalReportObjectId: original.id,
        createdDateTime: original.createdDateTime,
        modifiedDateTime: original.modifiedDateTime,
        reportType: 'PowerBIReport',
        users: [],
      };
      if (original.datasetId) copy.datasetId = original.datasetId;
      reports.push(copy);
    }
  }
  // The most recent edit in the workspace is what its modification time records.
  const latest = reports.find((r) => !r.appId);
  if (latest) latest.modifiedDateTime = pbiLocalTime(sk.baseModified);
  return reports;
}

function tiles(
  rng: Rng,
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  board: number,
  reports: ScanReport[],
): ScanTile[] {
  const result: ScanTile[] = [];
  const count = rng.int(1, 6);
  const withData = reports.filter((r) => r.datasetId && !r.appId);
  for (let i = 0; i < count; i++) {
    const id = uuidFor(ctx.seed, sk.index, 'tile', board, i);
    const roll = rng.next();
    const report = withData.length > 0 ? rng.pick(withData) : undefined;
    if (report && roll < 0.75)
      result.push({
        id,
        title: rng.pick(['Total Sales', 'By Region', 'Trend', 'Top 10', 'Margin %', 'Ventas por país']),
        reportId: report.id,
        datasetId: report.datasetId,
      });
    else if (report && roll < 0.88)
      result.push({ id, title: 'Ask a question (Q&A)', datasetId: report.datasetId });
    else result.push(rng.chance(0.5) ? { id, title: 'Company news' } : { id });
  }
  return result;
}

export function buildDashboards(
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  reports: ScanReport[],
): ScanDashboard[] {
  const rng = rngFrom(ctx.seed, sk.index, 'dashboards');
  const result: ScanDashboard[] = [];
  for (let b = 0; b < sk.dashboards; b++) {
    const owner = userAt(ctx.directory, sk.owner);
    const dashboard: ScanDashboard = {
      id: dashboardId(ctx.seed, sk.index, b),
      displayName: `${rng.pick(['Sales', 'Ops', 'Finance', 'Exec', 'Marketing'])} ${rng.pick(['Pulse', 'Board', 'Cockpit', 'Überblick'])}`,
      isReadOnly: rng.chance(0.1),
      tiles: tiles(rng, ctx, sk, b, reports),
    };
    if (rng.chance(0.2)) dashboard.sensitivityLabel = { labelId: rng.pick(ctx.sensitivityLabels) };
    dashboard.users = artifactUsers(
      rng,
      ctx.directory,
      owner,
      'dashboardUserAccessRight',
      'Owner',
      ['Read', 'ReadWrite', 'ReadReshare'],
      2,
    );
    result.push(dashboard);
  }
  return result;
}
