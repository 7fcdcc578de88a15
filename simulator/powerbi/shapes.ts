import type { WorkspaceSkeleton } from '../tenant/context.js';
import type { WorkspaceSummary } from '../tenant/tenant.js';
import type {
  ArtifactUser,
  ScanDashboard,
  ScanDataflow,
  ScanDataset,
  ScanReport,
  ScanTile,
} from '../tenant/types.js';

/** Response shapes of the admin/groups and workspace (non-admin) APIs, derived from scan objects. */
const APP = 'https://app.powerbi.com';

export function groupBase(sk: WorkspaceSkeleton, summary: WorkspaceSummary): Record<string, unknown> {
  const group: Record<string, unknown> = {
    id: sk.id,
    isReadOnly: false,
    isOnDedicatedCapacity: sk.capacityId !== undefined,
  };
  if (sk.capacityId) {
    group.capacityId = sk.capacityId.toLowerCase();
    group.defaultDatasetStorageFormat = sk.defaultDatasetStorageFormat;
  }
  if (sk.dataflows > 0) group.dataflowStorageId = sk.id.replace(/^.{8}/, 'dca30b31');
  group.name = summary.name;
  if (sk.description !== undefined) group.description = sk.description;
  group.type = summary.type;
  group.state = summary.state;
  return group;
}

export function adminReport(r: ScanReport): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id, reportType: r.reportType, name: r.name };
  if (r.datasetId) out.datasetId = r.datasetId;
  return out;
}

export function adminDataset(d: ScanDataset): Record<string, unknown> {
  return {
    id: d.id,
    name: d.name,
    addRowsAPIEnabled: d.contentProviderType === 'RealTime',
    configuredBy: d.configuredBy,
    isRefreshable: d.contentProviderType !== 'RealTime',
    isEffectiveIdentityRequired: d.isEffectiveIdentityRequired ?? false,
    isEffectiveIdentityRolesRequired: d.isEffectiveIdentityRolesRequired ?? false,
    isOnPremGatewayRequired: (d.datasourceUsages?.length ?? 0) > 0,
    targetStorageMode: d.targetStorageMode,
    createdDate: `${d.createdDate}Z`,
    // Microsoft's own example really capitalises this key here.
    ContentProviderType: d.contentProviderType,
    isInPlaceSharingEnabled: false,
  };
}

export function adminDashboard(d: ScanDashboard): Record<string, unknown> {
  return { id: d.id, displayName: d.displayName, isReadOnly: d.isReadOnly };
}

export function adminDataflow(d: ScanDataflow): Record<string, unknown> {
  const out: Record<string, unknown> = { objectId: d.objectId, name: d.name };
  if (d.description) out.description = d.description;
  if (d.configuredBy) out.configuredBy = d.configuredBy;
  return out;
}

export function groupUser(u: ArtifactUser): Record<string, unknown> {
  const out: Record<string, unknown> = {
    displayName: u.displayName,
    groupUserAccessRight: u.groupUserAccessRight,
    identifier: u.identifier,
    principalType: u.principalType,
  };
  if (u.emailAddress) out.emailAddress = u.emailAddress;
  if (u.graphId) out.graphId = u.graphId;
  return out;
}

export function report(groupId: string, r: ScanReport): Record<string, unknown> {
  const paginated = r.reportType === 'PaginatedReport';
  const out: Record<string, unknown> = { id: r.id, reportType: r.reportType, name: r.name };
  if (r.datasetId) {
    out.datasetId = r.datasetId;
    out.datasetWorkspaceId = r.datasetWorkspaceId ?? groupId;
  }
  if (r.appId) out.appId = r.appId;
  if (r.description) out.description = r.description;
  out.isFromPbix = !paginated;
  out.isOwnedByMe = false;
  out.users = [];
  out.subscriptions = [];
  out.webUrl = `${APP}/groups/${groupId}/${paginated ? 'rdlreports' : 'reports'}/${r.id}`;
  out.embedUrl = `${APP}/${paginated ? 'rdlEmbed' : 'reportEmbed'}?reportId=${r.id}&groupId=${groupId}`;
  return out;
}

export function dashboard(groupId: string, d: ScanDashboard): Record<string, unknown> {
  return {
    id: d.id,
    displayName: d.displayName,
    isReadOnly: d.isReadOnly,
    webUrl: `${APP}/groups/${groupId}/dashboards/${d.id}`,
    embedUrl: `${APP}/dashboardEmbed?dashboardId=${d.id}&groupId=${groupId}`,
    users: [],
    subscriptions: [],
  };
}

export function tile(groupId: string, dashboardId: string, t: ScanTile, n: number): Record<string, unknown> {
  const out: Record<string, unknown> = { id: t.id };
  if (t.title) out.title = t.title;
  out.embedUrl = `${APP}/embed?dashboardId=${dashboardId}&tileId=${t.id}&groupId=${groupId}`;
  out.rowSpan = n % 2;
  out.colSpan = n % 3;
  if (t.reportId) out.reportId = t.reportId;
  if (t.datasetId) out.datasetId = t.datasetId;
  return out;
}

export function dataset(groupId: string, d: ScanDataset): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: d.id,
    name: d.name,
    webUrl: `${APP}/groups/${groupId}/datasets/${d.id}`,
    ...adminDataset(d),
  };
  delete out.ContentProviderType;
  out.createReportEmbedURL = `${APP}/reportEmbed?config=eyJjbHVzdGVyVXJsIjoi&groupId=${groupId}`;
  out.qnaEmbedURL = `${APP}/qnaEmbed?config=eyJjbHVzdGVyVXJsIjoi&groupId=${groupId}`;
  out.upstreamDatasets = d.upstreamDatasets ?? [];
  out.users = [];
  if (d.description) out.description = d.description;
  return out;
}

export function dataflow(groupName: string, d: ScanDataflow): Record<string, unknown> {
  return {
    ...adminDataflow(d),
    modelUrl: `https://contosodataflows.dfs.core.windows.net/powerbi/${groupName}/${d.name}/model.json`,
    users: [],
  };
}
