import type { Directory } from './people.js';
import type { DatasourcePool } from './datasources.js';
import type { WorkspaceState, WorkspaceType } from './types.js';

/** Everything about a workspace that is cheap to know without generating its content. */
export interface WorkspaceSkeleton {
  index: number;
  id: string;
  name: string;
  description?: string;
  type: WorkspaceType;
  state: WorkspaceState;
  capacityId?: string;
  defaultDatasetStorageFormat?: 'Small' | 'Large';
  datasets: number;
  paginatedReports: number;
  dashboards: number;
  dataflows: number;
  datamarts: number;
  /** Index into directory.users of the owner (personal workspaces: the person). */
  owner: number;
  createdAt: number;
  /** Last modification in the tenant's generated history (ms). */
  baseModified: number;
  appId?: string;
}

export interface TenantContext {
  seed: number;
  /** Tenant creation instant (simulated ms); history is generated before it. */
  startMs: number;
  emailDomain: string;
  directory: Directory;
  pool: DatasourcePool;
  skeletons: WorkspaceSkeleton[];
  /** Indexes of active workspaces that hold dataflows, for cross-workspace lineage. */
  dataflowHosts: number[];
  /** Indexes of active shared workspaces that hold datasets. */
  datasetHosts: number[];
  sensitivityLabels: string[];
  capacities: string[];
}
