/**
 * Shapes of the Scanner API's scanResult (WorkspaceInfoResponse), written by hand from Microsoft's
 * schema and from real payloads. Everything is optional and may be null: "the list of properties
 * returned varies for different API calls" and real responses omit keys that have no value.
 * https://learn.microsoft.com/rest/api/power-bi/admin/workspace-info-get-scan-result
 *
 * A few keys come in PascalCase in Microsoft's own examples (e.g. `ContentProviderType`,
 * `UpstreamDataflows`, `DataflowUserAccessRight`); those spellings are declared next to the
 * camelCase ones so the mapping can read either.
 */

type Opt<T> = T | null | undefined;

/** A principal with access to an item. The access-right key depends on the item (see `accessRightKeys`). */
export interface ScanUser {
  emailAddress?: Opt<string>;
  displayName?: Opt<string>;
  identifier?: Opt<string>;
  graphId?: Opt<string>;
  /** None | User | Group | App */
  principalType?: Opt<string>;
  userType?: Opt<string>;
  /** Set for service principal profiles: several profiles share the service principal's identifier. */
  profile?: Opt<{ id?: Opt<string>; displayName?: Opt<string> }>;
  groupUserAccessRight?: Opt<string>;
  reportUserAccessRight?: Opt<string>;
  dashboardUserAccessRight?: Opt<string>;
  datasetUserAccessRight?: Opt<string>;
  dataflowUserAccessRight?: Opt<string>;
  DataflowUserAccessRight?: Opt<string>;
  datamartUserAccessRight?: Opt<string>;
  artifactUserAccessRight?: Opt<string>;
}

export interface ScanEndorsementDetails {
  endorsement?: Opt<string>;
  certifiedBy?: Opt<string>;
}

export interface ScanSensitivityLabel {
  labelId?: Opt<string>;
}

export interface ScanDatasourceUsage {
  datasourceInstanceId?: Opt<string>;
}

export interface ScanUpstreamDataflow {
  targetDataflowId?: Opt<string>;
  groupId?: Opt<string>;
}

export interface ScanUpstreamDatamart {
  targetDatamartId?: Opt<string>;
  groupId?: Opt<string>;
}

export interface ScanUpstreamDataset {
  targetDatasetId?: Opt<string>;
  groupId?: Opt<string>;
}

/** Fabric item relations seen on datasets and SQL endpoints in real payloads. */
export interface ScanRelation {
  dependentOnArtifactId?: Opt<string>;
  workspaceId?: Opt<string>;
  relationType?: Opt<string>;
  settingsList?: Opt<string>;
  usage?: Opt<string>;
}

export interface ScanReport {
  id?: Opt<string>;
  name?: Opt<string>;
  description?: Opt<string>;
  reportType?: Opt<string>;
  datasetId?: Opt<string>;
  datasetWorkspaceId?: Opt<string>;
  appId?: Opt<string>;
  originalReportId?: Opt<string>;
  originalReportObjectId?: Opt<string>;
  isOwnedByMe?: Opt<boolean>;
  createdBy?: Opt<string>;
  modifiedBy?: Opt<string>;
  createdById?: Opt<string>;
  modifiedById?: Opt<string>;
  createdDateTime?: Opt<string>;
  modifiedDateTime?: Opt<string>;
  endorsementDetails?: Opt<ScanEndorsementDetails>;
  sensitivityLabel?: Opt<ScanSensitivityLabel>;
  users?: Opt<ScanUser[]>;
}

export interface ScanTile {
  id?: Opt<string>;
  title?: Opt<string>;
  subTitle?: Opt<string>;
  reportId?: Opt<string>;
  datasetId?: Opt<string>;
  datasetWorkspaceId?: Opt<string>;
}

export interface ScanDashboard {
  id?: Opt<string>;
  displayName?: Opt<string>;
  isReadOnly?: Opt<boolean>;
  appId?: Opt<string>;
  dataClassification?: Opt<string>;
  endorsementDetails?: Opt<ScanEndorsementDetails>;
  sensitivityLabel?: Opt<ScanSensitivityLabel>;
  tiles?: Opt<ScanTile[]>;
  users?: Opt<ScanUser[]>;
}

export interface ScanColumn {
  name?: Opt<string>;
  dataType?: Opt<string>;
  formatString?: Opt<string>;
  sortByColumn?: Opt<string>;
  dataCategory?: Opt<string>;
  isHidden?: Opt<boolean>;
  summarizeBy?: Opt<string>;
  /** Data | Calculated | CalculatedTableColumn | RowNumber */
  columnType?: Opt<string>;
  /** DAX of a calculated column. */
  expression?: Opt<string>;
}

export interface ScanMeasure {
  name?: Opt<string>;
  expression?: Opt<string>;
  formatString?: Opt<string>;
  description?: Opt<string>;
  isHidden?: Opt<boolean>;
}

export interface ScanTableSource {
  /** Power Query M (or DAX for a calculated table). */
  expression?: Opt<string>;
  /**
   * A Direct Lake (entity) partition's source, as the model defines it. Not in Microsoft's scan
   * documentation: read when present; without it the table name stands for the entity.
   */
  entityName?: Opt<string>;
  schemaName?: Opt<string>;
  /** Name of the dataset expression (e.g. DatabaseQuery) the entity is read through. */
  expressionSource?: Opt<string>;
}

export interface ScanTable {
  name?: Opt<string>;
  description?: Opt<string>;
  isHidden?: Opt<boolean>;
  storageMode?: Opt<string>;
  columns?: Opt<ScanColumn[]>;
  measures?: Opt<ScanMeasure[]>;
  source?: Opt<ScanTableSource[]>;
  datasourceUsages?: Opt<ScanDatasourceUsage[]>;
}

export interface ScanExpression {
  name?: Opt<string>;
  description?: Opt<string>;
  expression?: Opt<string>;
}

export interface ScanRoleMember {
  memberName?: Opt<string>;
  memberId?: Opt<string>;
  memberType?: Opt<string>;
  identityProvider?: Opt<string>;
}

export interface ScanRole {
  name?: Opt<string>;
  modelPermission?: Opt<string>;
  members?: Opt<ScanRoleMember[]>;
  tablePermissions?: Opt<{ name?: Opt<string>; filterExpression?: Opt<string> }[]>;
}

export interface ScanRefreshSchedule {
  days?: Opt<string[]>;
  times?: Opt<string[]>;
  enabled?: Opt<boolean>;
  localTimeZoneId?: Opt<string>;
  notifyOption?: Opt<string>;
}

export interface ScanDirectQueryRefreshSchedule {
  frequency?: Opt<number>;
  days?: Opt<string[]>;
  times?: Opt<string[]>;
  localTimeZoneId?: Opt<string>;
}

export interface ScanDataset {
  id?: Opt<string>;
  name?: Opt<string>;
  description?: Opt<string>;
  configuredBy?: Opt<string>;
  configuredById?: Opt<string>;
  createdDate?: Opt<string>;
  CreatedDate?: Opt<string>;
  contentProviderType?: Opt<string>;
  ContentProviderType?: Opt<string>;
  targetStorageMode?: Opt<string>;
  isEffectiveIdentityRequired?: Opt<boolean>;
  IsEffectiveIdentityRequired?: Opt<boolean>;
  isEffectiveIdentityRolesRequired?: Opt<boolean>;
  IsEffectiveIdentityRolesRequired?: Opt<boolean>;
  isRefreshable?: Opt<boolean>;
  IsRefreshable?: Opt<boolean>;
  endorsementDetails?: Opt<ScanEndorsementDetails>;
  sensitivityLabel?: Opt<ScanSensitivityLabel>;
  schemaRetrievalError?: Opt<string>;
  schemaMayNotBeUpToDate?: Opt<boolean>;
  tables?: Opt<ScanTable[]>;
  expressions?: Opt<ScanExpression[]>;
  roles?: Opt<ScanRole[]>;
  refreshSchedule?: Opt<ScanRefreshSchedule>;
  directQueryRefreshSchedule?: Opt<ScanDirectQueryRefreshSchedule>;
  datasourceUsages?: Opt<ScanDatasourceUsage[]>;
  misconfiguredDatasourceUsages?: Opt<ScanDatasourceUsage[]>;
  upstreamDataflows?: Opt<ScanUpstreamDataflow[]>;
  upstreamDatamarts?: Opt<ScanUpstreamDatamart[]>;
  upstreamDatasets?: Opt<ScanUpstreamDataset[]>;
  relations?: Opt<ScanRelation[]>;
  users?: Opt<ScanUser[]>;
}

export interface ScanDataflow {
  objectId?: Opt<string>;
  name?: Opt<string>;
  description?: Opt<string>;
  modelUrl?: Opt<string>;
  configuredBy?: Opt<string>;
  modifiedBy?: Opt<string>;
  modifiedDateTime?: Opt<string>;
  endorsementDetails?: Opt<ScanEndorsementDetails>;
  sensitivityLabel?: Opt<ScanSensitivityLabel>;
  datasourceUsages?: Opt<ScanDatasourceUsage[]>;
  misconfiguredDatasourceUsages?: Opt<ScanDatasourceUsage[]>;
  upstreamDataflows?: Opt<ScanUpstreamDataflow[]>;
  upstreamDatamarts?: Opt<ScanUpstreamDatamart[]>;
  users?: Opt<ScanUser[]>;
}

export interface ScanDatamart {
  id?: Opt<string>;
  name?: Opt<string>;
  description?: Opt<string>;
  /** Unset | Ignore | Sql | Lakehouse | Dataverse | Datawarehouse */
  type?: Opt<string>;
  status?: Opt<string>;
  state?: Opt<string>;
  suspendedBatchId?: Opt<string>;
  configuredBy?: Opt<string>;
  configuredById?: Opt<string>;
  modifiedBy?: Opt<string>;
  modifiedById?: Opt<string>;
  modifiedDateTime?: Opt<string>;
  endorsementDetails?: Opt<ScanEndorsementDetails>;
  sensitivityLabel?: Opt<ScanSensitivityLabel>;
  datasourceUsages?: Opt<ScanDatasourceUsage[]>;
  upstreamDataflows?: Opt<ScanUpstreamDataflow[]>;
  UpstreamDataflows?: Opt<ScanUpstreamDataflow[]>;
  upstreamDatamarts?: Opt<ScanUpstreamDatamart[]>;
  users?: Opt<ScanUser[]>;
  Users?: Opt<ScanUser[]>;
}

/**
 * A Fabric item as the scan lists it. Shapes differ per type: Lakehouse has createdBy/createdDate/
 * lastUpdatedDate/extendedProperties, warehouses and SQLAnalyticsEndpoint have configuredBy/
 * modifiedDateTime; anything else is kept whole by the fabric_items stream.
 */
export interface ScanFabricItem {
  id?: Opt<string>;
  name?: Opt<string>;
  description?: Opt<string>;
  type?: Opt<string>;
  state?: Opt<string>;
  createdBy?: Opt<string>;
  createdById?: Opt<string>;
  createdDate?: Opt<string>;
  configuredBy?: Opt<string>;
  configuredById?: Opt<string>;
  modifiedBy?: Opt<string>;
  modifiedById?: Opt<string>;
  modifiedDateTime?: Opt<string>;
  lastUpdatedDate?: Opt<string>;
  endorsementDetails?: Opt<ScanEndorsementDetails>;
  sensitivityLabel?: Opt<ScanSensitivityLabel>;
  relations?: Opt<ScanRelation[]>;
  users?: Opt<ScanUser[]>;
  [key: string]: unknown;
}

export interface ScanWorkspace {
  id: string;
  name?: Opt<string>;
  description?: Opt<string>;
  /** Workspace | PersonalGroup | Personal | Group | AdminInsights ... */
  type?: Opt<string>;
  /** Active | Deleted | Removing | Orphaned ... */
  state?: Opt<string>;
  dataRetrievalState?: Opt<string>;
  isOnDedicatedCapacity?: Opt<boolean>;
  capacityId?: Opt<string>;
  defaultDatasetStorageFormat?: Opt<string>;
  reports?: Opt<ScanReport[]>;
  dashboards?: Opt<ScanDashboard[]>;
  datasets?: Opt<ScanDataset[]>;
  dataflows?: Opt<ScanDataflow[]>;
  datamarts?: Opt<ScanDatamart[]>;
  users?: Opt<ScanUser[]>;
  /**
   * Fabric items (Lakehouse, warehouses, SQLAnalyticsEndpoint, Notebook, ...) keyed by item type:
   * arrays of `ScanFabricItem`, mapped by the fabric_items stream (src/streams/fabric-items.ts).
   */
  [fabricItemType: string]: unknown;
}

export interface ScanConnectionDetails {
  server?: Opt<string>;
  database?: Opt<string>;
  url?: Opt<string>;
  path?: Opt<string>;
  kind?: Opt<string>;
  account?: Opt<string>;
  domain?: Opt<string>;
  emailAddress?: Opt<string>;
  loginServer?: Opt<string>;
  classInfo?: Opt<string>;
  extensionDataSourceKind?: Opt<string>;
  extensionDataSourcePath?: Opt<string>;
  sharePointSiteUrl?: Opt<string>;
  [key: string]: unknown;
}

export interface ScanDatasourceInstance {
  datasourceType?: Opt<string>;
  connectionDetails?: Opt<ScanConnectionDetails>;
  datasourceId?: Opt<string>;
  gatewayId?: Opt<string>;
  /** Deprecated by Microsoft; still seen. */
  name?: Opt<string>;
  /** Deprecated by Microsoft; still seen. */
  connectionString?: Opt<string>;
}

export interface ScanResult {
  workspaces?: Opt<ScanWorkspace[]>;
  datasourceInstances?: Opt<ScanDatasourceInstance[]>;
  misconfiguredDatasourceInstances?: Opt<ScanDatasourceInstance[]>;
}
