/** One admin/activityevents entity (PascalCase, free-form; keys vary by activity) → an activity_events record. */
import type { ActivityEventsRecord } from '../generated/records.js';
import { field, type JsonObject } from '../powerbi/json-shapes.js';
import { personal, type UserIdentifiersMode } from './privacy.js';
import { flag, integer, text, utcDateTime } from './values.js';

/** Event time in epoch ms (CreationTime has no zone suffix; it is UTC), or undefined when unreadable. */
export function eventTime(event: JsonObject): number | undefined {
  const iso = utcDateTime(field(event, 'CreationTime'));
  return iso === null ? undefined : Date.parse(iso);
}

export function eventId(event: JsonObject): string | null {
  return text(field(event, 'Id'));
}

/** Null when the event has no id or no readable time: such an event cannot be keyed or placed. */
export function toActivityRecord(event: JsonObject, mode: UserIdentifiersMode): ActivityEventsRecord | null {
  const id = eventId(event);
  const at = eventTime(event);
  if (id === null || at === undefined) return null;
  const creationTime = new Date(at).toISOString();
  const s = (key: string): string | null => text(field(event, key));
  return {
    id,
    creationTime,
    day: creationTime.slice(0, 10),
    activity: s('Activity'),
    operation: s('Operation'),
    workload: s('Workload'),
    recordType: integer(field(event, 'RecordType')),
    userType: integer(field(event, 'UserType')),
    userId: personal(s('UserId'), mode),
    userKey: personal(s('UserKey'), mode),
    clientIp: personal(s('ClientIP'), mode),
    userAgent: s('UserAgent'),
    isSuccess: flag(field(event, 'IsSuccess')),
    organizationId: s('OrganizationId'),
    workspaceId: s('WorkspaceId'),
    workspaceName: s('WorkSpaceName'),
    capacityId: s('CapacityId'),
    capacityName: s('CapacityName'),
    itemName: s('ItemName'),
    artifactId: s('ArtifactId'),
    artifactName: s('ArtifactName'),
    artifactKind: s('ArtifactKind'),
    objectId: s('ObjectId'),
    reportId: s('ReportId'),
    reportName: s('ReportName'),
    reportType: s('ReportType'),
    dashboardId: s('DashboardId'),
    dashboardName: s('DashboardName'),
    datasetId: s('DatasetId'),
    datasetName: s('DatasetName'),
    dataflowId: s('DataflowId'),
    dataflowName: s('DataflowName'),
    appId: s('AppId'),
    appName: s('AppName'),
    appReportId: s('AppReportId'),
    distributionMethod: s('DistributionMethod'),
    consumptionMethod: s('ConsumptionMethod'),
    requestId: s('RequestId'),
    activityId: s('ActivityId'),
  };
}
