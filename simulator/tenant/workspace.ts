import type { TenantContext, WorkspaceSkeleton } from './context.js';
import { buildDataset } from './dataset.js';
import { buildFlows } from './dataflows.js';
import { buildFabricItems } from './fabric-items.js';
import { buildDashboards, buildReports } from './reports.js';
import { rngFrom } from '../random.js';
import type { TableLineageTruth } from './lineage-truth.js';
import type { DatasourceInstance, ScanWorkspace } from './types.js';
import { artifactUsers, userAt, withRight } from './users.js';

/** A workspace in full (every flag on) plus the datasource instances it uses. */
export interface BuiltWorkspace {
  workspace: ScanWorkspace;
  datasources: DatasourceInstance[];
  misconfigured: DatasourceInstance[];
  /** Lineage ground truth of the workspace's dataset tables (never served). */
  lineage: TableLineageTruth[];
}

function addUnique(target: DatasourceInstance[], more: DatasourceInstance[]): void {
  for (const d of more) if (!target.some((t) => t.datasourceId === d.datasourceId)) target.push(d);
}

export function emptyWorkspace(sk: WorkspaceSkeleton): ScanWorkspace {
  const ws: ScanWorkspace = {
    id: sk.id,
    name: sk.name,
    type: sk.type,
    state: sk.state,
    isOnDedicatedCapacity: sk.capacityId !== undefined,
    reports: [],
    dashboards: [],
    datasets: [],
    dataflows: [],
    datamarts: [],
    users: [],
  };
  if (sk.description !== undefined) ws.description = sk.description;
  if (sk.capacityId !== undefined) {
    ws.capacityId = sk.capacityId;
    ws.defaultDatasetStorageFormat = sk.defaultDatasetStorageFormat;
  }
  return ws;
}

/** The generated (pre-mutation) content of a workspace. */
export function buildWorkspace(ctx: TenantContext, sk: WorkspaceSkeleton): BuiltWorkspace {
  const ws = emptyWorkspace(sk);
  const datasources: DatasourceInstance[] = [];
  const misconfigured: DatasourceInstance[] = [];
  const lineage: TableLineageTruth[] = [];
  if (sk.state !== 'Active') return { workspace: ws, datasources, misconfigured, lineage };
  for (let n = 0; n < sk.datasets; n++) {
    const built = buildDataset(ctx, sk, n);
    ws.datasets.push(built.dataset);
    addUnique(datasources, built.datasources);
    addUnique(misconfigured, built.misconfigured);
    lineage.push(...built.lineage);
  }
  ws.reports = buildReports(ctx, sk, ws.datasets);
  ws.dashboards = buildDashboards(ctx, sk, ws.reports);
  const flows = buildFlows(ctx, sk);
  ws.dataflows = flows.dataflows;
  ws.datamarts = flows.datamarts;
  addUnique(datasources, flows.datasources);
  const fabric = buildFabricItems(ctx, sk);
  Object.assign(ws, fabric.arrays);
  ws.datasets.push(...fabric.models);
  if (sk.type === 'Workspace' || sk.type === 'Group') {
    const rng = rngFrom(ctx.seed, sk.index, 'ws-users');
    const users = artifactUsers(
      rng,
      ctx.directory,
      userAt(ctx.directory, sk.owner),
      'groupUserAccessRight',
      'Admin',
      ['Member', 'Contributor', 'Viewer'],
      4,
    );
    const scanner = ctx.directory.apps[0];
    if (scanner && !users.some((u) => u.identifier === scanner.identifier))
      users.push(withRight(scanner, 'groupUserAccessRight', 'Contributor'));
    ws.users = users;
  }
  return { workspace: ws, datasources, misconfigured, lineage };
}
