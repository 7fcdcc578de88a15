import { DAY, HOUR, pbiLocalTime } from '../clock.js';
import { rngFrom, uuidFor } from '../random.js';
import type { TenantContext } from './context.js';
import { datasetId, datasetName, reportId, reportName } from './ids.js';

export type ActivityEvent = Record<string, string | number | boolean>;

const ACTIVITIES = [
  'ViewReport',
  'ViewReport',
  'ViewReport',
  'ViewDashboard',
  'ExportReport',
  'EditReport',
  'CreateReport',
  'RefreshDataset',
  'ShareReport',
  'GetGroupsAsAdmin',
] as const;

/** History the activity log keeps (4 weeks documented, 30 days as the edge). */
export const ACTIVITY_RETENTION_DAYS = 30;

/** A day's events and, index for index, their CreationTime in ms (whole seconds, ascending). */
interface ActivityDay {
  events: ActivityEvent[];
  times: Float64Array;
}

/** What an event says of the workspace it happened in: the same for every event there. */
interface WorkspaceDetail {
  datasetName: string;
  datasetId: string;
  reportName: string;
  reportId: string;
}

/**
 * The tenant's audit log, generated per UTC day from (seed, day): most days a few hundred
 * events, busy days thousands. Only events at or before "now" are visible.
 */
export class ActivityLog {
  private readonly cache = new Map<number, ActivityDay>();
  private readonly workspaces = new Map<number, WorkspaceDetail>();

  constructor(
    private readonly ctx: TenantContext,
    private readonly tenantId: string,
  ) {}

  /** Events of the UTC day starting at dayStart (ms), sorted by CreationTime. */
  day(dayStart: number): ActivityEvent[] {
    return this.dayOf(dayStart).events;
  }

  /**
   * Events of the day starting at dayStart whose CreationTime lies in [from, to] (ms), found by
   * binary search instead of parsing every event's time (a busy day has thousands, asked for by
   * the hour).
   */
  between(dayStart: number, from: number, to: number): ActivityEvent[] {
    const { events, times } = this.dayOf(dayStart);
    return events.slice(
      firstIndex(times, (t) => t >= from),
      firstIndex(times, (t) => t > to),
    );
  }

  private dayOf(dayStart: number): ActivityDay {
    const cached = this.cache.get(dayStart);
    if (cached) return cached;
    const dayNumber = Math.floor(dayStart / DAY);
    const rng = rngFrom(this.ctx.seed, 'activity-day', dayNumber);
    // Every third day is busy: thousands of events, most in one hour (an export job, a bot), so
    // that hour takes more than one 5,000-event page.
    const busy = dayNumber % 3 === 0 || rng.chance(0.15);
    const count = busy ? rng.int(6000, 9000) : rng.int(20, 400);
    const burst = dayStart + rng.int(0, 23) * HOUR;
    const times = Array.from({ length: count }, () =>
      busy && rng.chance(0.9)
        ? burst + Math.floor(rng.next() * HOUR)
        : dayStart + Math.floor(rng.next() * DAY),
    ).sort((a, b) => a - b);
    const hosts = this.ctx.datasetHosts;
    const day: ActivityDay = {
      events: times.map((t, i) => this.event(dayNumber, i, t, hosts)),
      times: Float64Array.from(times, (t) => Math.floor(t / 1000) * 1000),
    };
    if (this.cache.size > 4) this.cache.delete(this.cache.keys().next().value ?? 0);
    this.cache.set(dayStart, day);
    return day;
  }

  private workspaceDetail(ws: number): WorkspaceDetail {
    let detail = this.workspaces.get(ws);
    if (!detail) {
      const seed = this.ctx.seed;
      const dsName = datasetName(seed, ws, 0);
      detail = {
        datasetName: dsName,
        datasetId: datasetId(seed, ws, 0),
        reportName: reportName(seed, ws, dsName, 0),
        reportId: reportId(seed, ws, 0),
      };
      this.workspaces.set(ws, detail);
    }
    return detail;
  }

  private event(dayNumber: number, i: number, at: number, hosts: number[]): ActivityEvent {
    const rng = rngFrom(this.ctx.seed, 'activity', dayNumber, i);
    const activity = rng.pick(ACTIVITIES);
    const user = rng.pick(this.ctx.directory.users);
    const base: ActivityEvent = {
      Id: uuidFor(this.ctx.seed, 'activity-id', dayNumber, i),
      RecordType: 20,
      CreationTime: pbiLocalTime(Math.floor(at / 1000) * 1000),
      Operation: activity,
      OrganizationId: this.tenantId,
      UserType: 0,
      UserKey: `1003200${(dayNumber * 7 + i).toString(16).toUpperCase().padStart(9, '0')}`,
      Workload: 'PowerBI',
      UserId: user.identifier,
      ClientIP: `203.0.113.${rng.int(1, 254)}`,
      Activity: activity,
      IsSuccess: !rng.chance(0.02),
      RequestId: uuidFor(this.ctx.seed, 'activity-request', dayNumber, i),
      ActivityId: uuidFor(this.ctx.seed, 'activity-activity', dayNumber, i),
    };
    if (rng.chance(0.7)) base.UserAgent = 'Mozilla/5.0';
    if (activity === 'GetGroupsAsAdmin' || hosts.length === 0) return base;
    const ws = rng.pick(hosts);
    const sk = this.ctx.skeletons[ws];
    if (!sk) return base;
    const names = this.workspaceDetail(ws);
    const dsName = names.datasetName;
    const rName = names.reportName;
    const rId = names.reportId;
    const detail: ActivityEvent = {
      WorkSpaceName: sk.name,
      WorkspaceId: sk.id,
      DatasetName: dsName,
      DatasetId: names.datasetId,
    };
    if (activity === 'RefreshDataset')
      return {
        ...base,
        ...detail,
        ItemName: dsName,
        ArtifactId: detail.DatasetId ?? '',
        ArtifactName: dsName,
        ArtifactKind: 'Dataset',
      };
    if (sk.capacityId) detail.CapacityId = sk.capacityId.toLowerCase();
    return {
      ...base,
      ...detail,
      ItemName: rName,
      ReportName: rName,
      ReportId: rId,
      ArtifactId: rId,
      ArtifactName: rName,
      ReportType: 'PowerBIReport',
      DistributionMethod: rng.pick(['Workspace', 'App', 'Shared']),
      ConsumptionMethod: rng.pick(['Power BI Web', 'Power BI Mobile']),
      ArtifactKind: 'Report',
    };
  }
}

/** The first index whose time passes `test` (false, then true, along ascending times); times.length if none. */
function firstIndex(times: Float64Array, test: (time: number) => boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(times[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
