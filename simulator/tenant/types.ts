/**
 * Scan-result shapes (WorkspaceInfoResponse) as the simulator emits them. Optional keys are
 * omitted rather than set to undefined, as real responses omit keys that have no value.
 * https://learn.microsoft.com/rest/api/power-bi/admin/workspace-info-get-scan-result
 */
export type PrincipalType = 'User' | 'Group' | 'App';

export interface Principal {
  emailAddress?: string;
  displayName: string;
  identifier: string;
  graphId: string;
  principalType: PrincipalType;
  userType: string | null;
}

export type ArtifactUser = Principal & Record<string, string | null>;

export interface Endorsement {
  endorsement: 'Promoted' | 'Certified';
  certifiedBy?: string;
}

export interface SensitivityLabel {
  labelId: string;
}

export interface DatasourceUsage {
  datasourceInstanceId: string;
}

export interface UpstreamDataflow {
  targetDataflowId: string;
  groupId: string;
}

export interface ScanReport {
  id: string;
  name: string;
  datasetId?: string;
  datasetWorkspaceId?: string;
  appId?: string;
  originalReportObjectId?: string;
  description?: string;
  createdDateTime: string;
  modifiedDateTime: string;
  createdBy?: string;
  modifiedBy?: string;
  createdById?: string;
  modifiedById?: string;
  reportType: 'PowerBIReport' | 'PaginatedReport';
  endorsementDetails?: Endorsement;
  sensitivityLabel?: SensitivityLabel;
  users?: ArtifactUser[];
}

export interface ScanTile {
  id: string;
  title?: string;
  reportId?: string;
  datasetId?: string;
}

export interface ScanDashboard {
  id: string;
  displayName: string;
  isReadOnly: boolean;
  appId?: string;
  sensitivityLabel?: SensitivityLabel;
  tiles: ScanTile[];
  users?: ArtifactUser[];
}

export interface ScanColumn {
  name: string;
  dataType: string;
  isHidden: boolean;
  columnType: string;
  formatString?: string;
  summarizeBy?: string;
  dataCategory?: string;
  sortByColumn?: string;
  expression?: string;
}

export interface ScanMeasure {
  name: string;
  expression?: string;
  formatString?: string;
  description?: string;
  isHidden: boolean;
}

export interface ScanTable {
  name: string;
  columns: ScanColumn[];
  measures?: ScanMeasure[];
  isHidden: boolean;
  description?: string;
  storageMode?: string;
  source?: { expression: string }[];
}

export interface ScanExpression {
  name: string;
  description?: string;
  expression?: string;
}

export interface ScanRole {
  name: string;
  modelPermission: string;
  members: { memberName: string; memberId: string; memberType: string; identityProvider: string }[];
  tablePermissions: { name: string; filterExpression?: string }[];
}

export interface ScanDataset {
  id: string;
  name: string;
  description?: string;
  configuredBy?: string;
  configuredById?: string;
  createdDate: string;
  contentProviderType: string;
  targetStorageMode: string;
  isEffectiveIdentityRequired?: boolean;
  isEffectiveIdentityRolesRequired?: boolean;
  tables?: ScanTable[];
  expressions?: ScanExpression[];
  roles?: ScanRole[];
  schemaRetrievalError?: string;
  refreshSchedule?: {
    days: string[];
    times: string[];
    enabled: boolean;
    localTimeZoneId: string;
    notifyOption: string;
  };
  directQueryRefreshSchedule?: {
    frequency: number;
    days: string[];
    times: string[];
    localTimeZoneId: string;
  };
  endorsementDetails?: Endorsement;
  sensitivityLabel?: SensitivityLabel;
  upstreamDataflows?: UpstreamDataflow[];
  upstreamDatasets?: { targetDatasetId: string; groupId: string }[];
  datasourceUsages?: DatasourceUsage[];
  misconfiguredDatasourceUsages?: DatasourceUsage[];
  users?: ArtifactUser[];
}

export interface ScanDataflow {
  objectId: string;
  name: string;
  description?: string;
  configuredBy?: string;
  modifiedBy?: string;
  modifiedDateTime?: string;
  endorsementDetails?: Endorsement;
  sensitivityLabel?: SensitivityLabel;
  datasourceUsages?: DatasourceUsage[];
  upstreamDataflows?: UpstreamDataflow[];
  users?: ArtifactUser[];
}

export interface ScanDatamart {
  id: string;
  name: string;
  description?: string;
  type: string;
  status: string;
  state: string;
  configuredBy?: string;
  configuredById?: string;
  modifiedBy?: string;
  modifiedById?: string;
  modifiedDateTime?: string;
  upstreamDataflows?: UpstreamDataflow[];
  datasourceUsages?: DatasourceUsage[];
  users?: ArtifactUser[];
}

export type WorkspaceType = 'Workspace' | 'PersonalGroup' | 'Personal' | 'Group';
export type WorkspaceState = 'Active' | 'Deleted' | 'Removing';

export interface ScanWorkspace {
  id: string;
  name: string;
  description?: string;
  type: WorkspaceType;
  state: WorkspaceState;
  isOnDedicatedCapacity: boolean;
  capacityId?: string;
  defaultDatasetStorageFormat?: 'Small' | 'Large';
  reports: ScanReport[];
  dashboards: ScanDashboard[];
  datasets: ScanDataset[];
  dataflows: ScanDataflow[];
  datamarts: ScanDatamart[];
  users?: ArtifactUser[];
}

export interface DatasourceInstance {
  datasourceType: string;
  connectionDetails: Record<string, string>;
  datasourceId: string;
  gatewayId?: string;
}

/** Query flags of POST admin/workspaces/getInfo. */
export interface ScanFlags {
  lineage: boolean;
  datasourceDetails: boolean;
  datasetSchema: boolean;
  datasetExpressions: boolean;
  getArtifactUsers: boolean;
}

/** Tenant settings that shape admin API answers. */
export interface TenantSettings {
  /** "Allow service principals to use read-only admin APIs". */
  allowServicePrincipalsReadOnlyAdminApis: boolean;
  /** "Enhance admin APIs responses with detailed metadata". */
  enhancedMetadata: boolean;
  /** "Enhance admin APIs responses with DAX and mashup expressions". */
  daxAndMashup: boolean;
  /** The caller is a gateway admin of every gateway cluster (Gateways APIs); undefined = true. */
  callerIsGatewayAdmin?: boolean;
}

export const ALL_FLAGS: ScanFlags = {
  lineage: true,
  datasourceDetails: true,
  datasetSchema: true,
  datasetExpressions: true,
  getArtifactUsers: true,
};
