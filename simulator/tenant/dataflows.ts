import { rngFrom } from '../random.js';
import { pbiLocalTime } from '../clock.js';
import { pickSource } from './datasources.js';
import type { TenantContext, WorkspaceSkeleton } from './context.js';
import { dataflowId, dataflowName, datamartId } from './ids.js';
import type { DatasourceInstance, ScanDataflow, ScanDatamart } from './types.js';
import { artifactUsers, userAt } from './users.js';

export interface BuiltFlows {
  dataflows: ScanDataflow[];
  datamarts: ScanDatamart[];
  datasources: DatasourceInstance[];
}

/** Dataflows (chained: each may read the previous one) and datamarts fed by them. */
export function buildFlows(ctx: TenantContext, sk: WorkspaceSkeleton): BuiltFlows {
  const rng = rngFrom(ctx.seed, sk.index, 'flows');
  const datasources: DatasourceInstance[] = [];
  const owner = userAt(ctx.directory, sk.owner);
  const dataflows: ScanDataflow[] = [];
  for (let n = 0; n < sk.dataflows; n++) {
    const src = pickSource(
      ctx.pool,
      rng.pick(['sql', 'odbc', 'oracle', 'sharepoint', 'snowflake'] as const),
      rng,
    );
    if (!datasources.some((d) => d.datasourceId === src.instance.datasourceId))
      datasources.push(src.instance);
    const flow: ScanDataflow = {
      objectId: dataflowId(ctx.seed, sk.index, n),
      name: dataflowName(ctx.seed, sk.index, n),
      configuredBy: owner.identifier,
      modifiedBy: owner.identifier,
      modifiedDateTime: `${pbiLocalTime(sk.createdAt + rng.next() * (sk.baseModified - sk.createdAt))}Z`,
      datasourceUsages: [{ datasourceInstanceId: src.instance.datasourceId }],
    };
    if (rng.chance(0.4)) flow.description = 'Conformed entity';
    if (rng.chance(0.2)) flow.endorsementDetails = { endorsement: 'Promoted' };
    if (rng.chance(0.2)) flow.sensitivityLabel = { labelId: rng.pick(ctx.sensitivityLabels) };
    if (n > 0 && rng.chance(0.6))
      flow.upstreamDataflows = [{ targetDataflowId: dataflowId(ctx.seed, sk.index, n - 1), groupId: sk.id }];
    flow.users = rng.chance(0.3)
      ? []
      : artifactUsers(
          rng,
          ctx.directory,
          owner,
          'DataflowUserAccessRight',
          'Owner',
          ['Read', 'ReadWrite'],
          1,
        );
    dataflows.push(flow);
  }
  const datamarts: ScanDatamart[] = [];
  for (let n = 0; n < sk.datamarts; n++) {
    const src = pickSource(ctx.pool, 'sql', rng);
    if (!datasources.some((d) => d.datasourceId === src.instance.datasourceId))
      datasources.push(src.instance);
    const mart: ScanDatamart = {
      id: datamartId(ctx.seed, sk.index, n),
      name: `${rng.pick(['Ops', 'Sales', 'HR'])} Datamart`,
      type: 'Sql',
      status: 'Available',
      state: 'Active',
      configuredBy: owner.identifier,
      configuredById: owner.graphId,
      modifiedBy: owner.identifier,
      modifiedById: owner.graphId,
      modifiedDateTime: `${pbiLocalTime(sk.createdAt + rng.next() * (sk.baseModified - sk.createdAt))}Z`,
      datasourceUsages: [{ datasourceInstanceId: src.instance.datasourceId }],
    };
    if (rng.chance(0.5)) mart.description = 'SQL datamart for operations';
    if (dataflows.length > 0)
      mart.upstreamDataflows = [{ targetDataflowId: dataflowId(ctx.seed, sk.index, 0), groupId: sk.id }];
    mart.users = artifactUsers(
      rng,
      ctx.directory,
      owner,
      'datamartUserAccessRight',
      'ReadWriteReshareExplore',
      ['Read', 'ReadAll'],
      1,
    );
    datamarts.push(mart);
  }
  return { dataflows, datamarts, datasources };
}
