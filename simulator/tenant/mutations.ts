import { pbiLocalTime } from '../clock.js';
import { rngFrom, uuidFor } from '../random.js';
import type { TenantContext, WorkspaceSkeleton } from './context.js';
import { buildDataset } from './dataset.js';
import type { BuiltWorkspace } from './workspace.js';

/** One recorded change to a workspace; replayed on top of the generated content. */
export type MutationOp =
  { kind: 'modify'; seq: number; at: number } | { kind: 'delete-workspace'; seq: number; at: number };

export interface ArtifactChanges {
  changed: string[];
  added: string[];
  deleted: string[];
}

function deleteWorkspace(built: BuiltWorkspace): ArtifactChanges {
  const ws = built.workspace;
  const deleted = [
    ...ws.reports.map((r) => r.id),
    ...ws.datasets.map((d) => d.id),
    ...ws.dashboards.map((d) => d.id),
    ...ws.dataflows.map((d) => d.objectId),
    ...ws.datamarts.map((d) => d.id),
  ];
  ws.state = 'Deleted';
  ws.reports = [];
  ws.dashboards = [];
  ws.datasets = [];
  ws.dataflows = [];
  ws.datamarts = [];
  ws.users = [];
  built.datasources = [];
  built.misconfigured = [];
  built.lineage = [];
  return { changed: [], added: [], deleted };
}

function modify(
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  built: BuiltWorkspace,
  op: MutationOp,
): ArtifactChanges {
  const rng = rngFrom(ctx.seed, sk.index, 'op', op.seq);
  const ws = built.workspace;
  const at = pbiLocalTime(op.at);
  const result: ArtifactChanges = { changed: [], added: [], deleted: [] };
  const own = ws.reports.filter((r) => !r.appId);
  if (own.length > 0 && rng.chance(0.8)) {
    const report = rng.pick(own);
    report.name = `${report.name} v${op.seq}`;
    report.modifiedDateTime = at;
    result.changed.push(report.id);
  }
  const modelled = ws.datasets.filter((d) => d.tables && d.tables.length > 0);
  if (modelled.length > 0 && rng.chance(0.6)) {
    const dataset = rng.pick(modelled);
    const table = rng.pick(dataset.tables ?? []);
    table.columns.push({
      name: `Added Column ${op.seq}`,
      dataType: 'String',
      isHidden: false,
      columnType: 'Data',
    });
    result.changed.push(dataset.id);
  }
  if (own.length > 1 && rng.chance(0.4)) {
    const victim = rng.pick(own);
    ws.reports = ws.reports.filter((r) => r.id !== victim.id && r.originalReportObjectId !== victim.id);
    for (const board of ws.dashboards) board.tiles = board.tiles.filter((t) => t.reportId !== victim.id);
    result.deleted.push(victim.id);
    result.changed = result.changed.filter((id) => id !== victim.id);
  }
  if (result.changed.length + result.deleted.length === 0 || rng.chance(0.5)) {
    const added = buildDataset(ctx, sk, 1000 + op.seq, `op${op.seq}`);
    ws.datasets.push(added.dataset);
    built.lineage.push(...added.lineage);
    for (const d of added.datasources)
      if (!built.datasources.some((x) => x.datasourceId === d.datasourceId)) built.datasources.push(d);
    const report = {
      id: uuidFor(ctx.seed, sk.index, 'op-report', op.seq),
      name: `New report ${op.seq}`,
      datasetId: added.dataset.id,
      createdDateTime: at,
      modifiedDateTime: at,
      reportType: 'PowerBIReport' as const,
      users: [],
    };
    ws.reports.push(report);
    result.added.push(added.dataset.id, report.id);
  }
  return result;
}

/** Applies one op in place and says which artifacts it touched. */
export function applyOp(
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  built: BuiltWorkspace,
  op: MutationOp,
): ArtifactChanges {
  switch (op.kind) {
    case 'delete-workspace':
      return deleteWorkspace(built);
    case 'modify':
      return modify(ctx, sk, built, op);
  }
}
