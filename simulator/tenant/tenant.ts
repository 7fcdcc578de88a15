import { rngFrom, uuidFor } from '../random.js';
import type { TenantContext, WorkspaceSkeleton } from './context.js';
import { createDatasourcePool } from './datasources.js';
import { columnTruthOf, type ColumnLineageTruth } from './column-truth.js';
import type { TableLineageTruth } from './lineage-truth.js';
import { applyOp, type ArtifactChanges, type MutationOp } from './mutations.js';
import { createDirectory } from './people.js';
import { viewWorkspace } from './scan-view.js';
import { workspaceSkeleton } from './skeleton.js';
import {
  ALL_FLAGS,
  type Principal,
  type ScanFlags,
  type ScanWorkspace,
  type TenantSettings,
  type WorkspaceState,
  type WorkspaceType,
} from './types.js';
import { buildWorkspace, type BuiltWorkspace } from './workspace.js';

export interface TenantOptions {
  seed: number;
  workspaces: number;
  /** Simulated instant the tenant's history ends at (ms). */
  startMs: number;
  emailDomain: string;
  /** The service principal the connector uses; it appears in access lists. */
  scannerApp: { clientId: string; displayName: string };
}

export interface WorkspaceSummary {
  id: string;
  name: string;
  type: WorkspaceType;
  state: WorkspaceState;
  /** ms; what admin/workspaces/modified compares modifiedSince with. */
  lastModified: number;
  isPersonal: boolean;
}

export interface MutationResult {
  at: number;
  changed: ({ workspaceId: string } & ArtifactChanges)[];
  deletedWorkspaces: string[];
  addedWorkspaces: string[];
}

export interface ArtifactCounts {
  workspaces: number;
  reports: number;
  dashboards: number;
  tiles: number;
  datasets: number;
  tables: number;
  columns: number;
  measures: number;
  dataflows: number;
  datamarts: number;
}

/** Revision of a workspace: how many recorded mutations apply (a scan snapshots this). */
export type Revision = number;

const ALL_SETTINGS: TenantSettings = {
  allowServicePrincipalsReadOnlyAdminApis: true,
  enhancedMetadata: true,
  daxAndMashup: true,
};

function isPersonal(type: WorkspaceType): boolean {
  return type === 'PersonalGroup' || type === 'Personal';
}

/**
 * A generated tenant. Workspaces are produced on demand from (seed, index) and replayed
 * mutations, so a 50,000-workspace tenant costs only its skeletons until something is read.
 */
export class Tenant {
  readonly ctx: TenantContext;
  private readonly ops = new Map<number, MutationOp[]>();
  /** Test hook: table M expressions replaced at build time (e.g. pathological M for lineage tests). */
  private readonly sourceOverrides = new Map<
    number,
    { datasetId: string; table: string; expression: string }[]
  >();
  private readonly byId = new Map<string, number>();
  private opSeq = 0;

  constructor(options: TenantOptions) {
    const { seed } = options;
    const scanner: Principal = {
      displayName: options.scannerApp.displayName,
      identifier: options.scannerApp.clientId,
      graphId: options.scannerApp.clientId,
      principalType: 'App',
      userType: null,
    };
    const directory = createDirectory(seed, options.workspaces, options.emailDomain, scanner);
    const capacities = [0, 1].map((i) => uuidFor(seed, 'capacity', i).toUpperCase());
    const skeletons: WorkspaceSkeleton[] = [];
    for (let i = 0; i < options.workspaces; i++)
      skeletons.push(workspaceSkeleton(seed, i, options.startMs, directory, capacities));
    const shared = (s: WorkspaceSkeleton): boolean => s.state === 'Active' && s.type === 'Workspace';
    this.ctx = {
      seed,
      startMs: options.startMs,
      emailDomain: options.emailDomain,
      directory,
      pool: createDatasourcePool(seed),
      skeletons,
      dataflowHosts: skeletons.filter((s) => shared(s) && s.dataflows > 0).map((s) => s.index),
      datasetHosts: skeletons.filter((s) => shared(s) && s.datasets > 0).map((s) => s.index),
      sensitivityLabels: [0, 1, 2, 3].map((i) => uuidFor(seed, 'label', i)),
      capacities,
    };
    for (const s of skeletons) this.byId.set(s.id, s.index);
  }

  get size(): number {
    return this.ctx.skeletons.length;
  }

  indexOf(id: string): number | undefined {
    return this.byId.get(id.toLowerCase());
  }

  skeleton(index: number): WorkspaceSkeleton {
    const sk = this.ctx.skeletons[index];
    if (!sk) throw new Error(`no workspace #${index}`);
    return sk;
  }

  revision(index: number): Revision {
    return this.ops.get(index)?.length ?? 0;
  }

  /** State and modification time without building content. */
  summary(index: number, revision: Revision = this.revision(index)): WorkspaceSummary {
    const sk = this.skeleton(index);
    const applied = (this.ops.get(index) ?? []).slice(0, revision);
    const lastOp = applied[applied.length - 1];
    const deleted = applied.some((op) => op.kind === 'delete-workspace');
    return {
      id: sk.id,
      name: sk.name,
      type: sk.type,
      state: deleted ? 'Deleted' : sk.state,
      lastModified: lastOp ? Math.max(lastOp.at, sk.baseModified) : sk.baseModified,
      isPersonal: isPersonal(sk.type),
    };
  }

  listWorkspaces(): WorkspaceSummary[] {
    return this.ctx.skeletons.map((s) => this.summary(s.index));
  }

  /** Full content (all flags) at a revision, plus the datasource instances it uses. */
  build(index: number, revision: Revision = this.revision(index)): BuiltWorkspace {
    const sk = this.skeleton(index);
    const built = buildWorkspace(this.ctx, sk);
    for (const op of (this.ops.get(index) ?? []).slice(0, revision)) applyOp(this.ctx, sk, built, op);
    for (const override of this.sourceOverrides.get(index) ?? []) {
      const dataset = built.workspace.datasets?.find((d) => d.id === override.datasetId);
      const table = dataset?.tables?.find((t) => t.name === override.table);
      if (table) table.source = [{ expression: override.expression }];
      // The generator no longer knows what the replaced M reads.
      built.lineage = built.lineage.filter(
        (t) => !(t.datasetId === override.datasetId && t.table === override.table),
      );
    }
    return built;
  }

  /**
   * Lineage ground truth: for every dataset table with an M (or DAX) source, now, what its M reads
   * (`upstreams`) and which diagnostics a correct analysis reports. Test knowledge, not served.
   */
  lineageTruth(): TableLineageTruth[] {
    return this.ctx.skeletons.flatMap((sk) => this.build(sk.index).lineage);
  }

  /**
   * Column lineage ground truth: for every dataset table with an M (or DAX) source, now, the
   * `column_lineage` rows it must give, or why no exact answer is known (`unverifiable`).
   */
  columnLineageTruth(): ColumnLineageTruth[] {
    return this.ctx.skeletons.flatMap((sk) => {
      const built = this.build(sk.index);
      return built.lineage.map((truth) => columnTruthOf(truth, built.workspace.datasets));
    });
  }

  /**
   * Test hook: from now on the first M-sourced table of the workspace's first dataset that has one
   * reads `expression`. Returns which table changed, so a test can find its lineage record.
   */
  overrideTableSource(workspaceId: string, expression: string): { datasetId: string; table: string } {
    const index = this.indexOf(workspaceId);
    if (index === undefined) throw new Error(`no workspace ${workspaceId}`);
    for (const dataset of this.build(index).workspace.datasets ?? []) {
      const table = dataset.tables?.find((t) => t.source?.some((s) => s.expression));
      if (!table) continue;
      const target = { datasetId: dataset.id, table: table.name };
      this.sourceOverrides.set(index, [
        ...(this.sourceOverrides.get(index) ?? []),
        { ...target, expression },
      ]);
      return target;
    }
    throw new Error(`workspace ${workspaceId} has no table with an M source`);
  }

  /** The scan-shaped workspace as a scan with these flags and settings would return it now. */
  workspace(
    id: string,
    flags: ScanFlags = ALL_FLAGS,
    settings: TenantSettings = ALL_SETTINGS,
  ): ScanWorkspace | undefined {
    const index = this.indexOf(id);
    return index === undefined ? undefined : viewWorkspace(this.build(index).workspace, flags, settings);
  }

  /** Ids admin/workspaces/modified returns. Deleted workspaces are included (their state changed). */
  modifiedIds(options: { since?: number; excludePersonal?: boolean; excludeInactive?: boolean }): string[] {
    const ids: string[] = [];
    for (const sk of this.ctx.skeletons) {
      const s = this.summary(sk.index);
      if (options.since !== undefined && s.lastModified < options.since) continue;
      if (options.excludePersonal && s.isPersonal) continue;
      if (options.excludeInactive && s.state !== 'Active') continue;
      ids.push(s.id);
    }
    return ids;
  }

  counts(): ArtifactCounts {
    const c: ArtifactCounts = {
      workspaces: 0,
      reports: 0,
      dashboards: 0,
      tiles: 0,
      datasets: 0,
      tables: 0,
      columns: 0,
      measures: 0,
      dataflows: 0,
      datamarts: 0,
    };
    for (const sk of this.ctx.skeletons) {
      const ws = this.build(sk.index).workspace;
      c.workspaces++;
      c.reports += ws.reports.length;
      c.dashboards += ws.dashboards.length;
      c.tiles += ws.dashboards.reduce((n, d) => n + d.tiles.length, 0);
      c.datasets += ws.datasets.length;
      c.dataflows += ws.dataflows.length;
      c.datamarts += ws.datamarts.length;
      for (const d of ws.datasets) {
        c.tables += d.tables?.length ?? 0;
        for (const t of d.tables ?? []) {
          c.columns += t.columns.length;
          c.measures += t.measures?.length ?? 0;
        }
      }
    }
    return c;
  }

  /** Modify N random active workspaces; with N ≥ 5 one is deleted and one is added. */
  mutate(request: { workspaces: number; seed: number }, at: number): MutationResult {
    const rng = rngFrom(this.ctx.seed, 'mutate', request.seed, this.opSeq);
    const result: MutationResult = { at, changed: [], deletedWorkspaces: [], addedWorkspaces: [] };
    const active = this.ctx.skeletons
      .filter((s) => this.summary(s.index).state === 'Active')
      .map((s) => s.index);
    const chosen = new Set<number>();
    const wanted = Math.min(request.workspaces, active.length);
    while (chosen.size < wanted) chosen.add(rng.pick(active));
    let first = true;
    for (const index of chosen) {
      const deleteIt = request.workspaces >= 5 && first;
      first = false;
      const op: MutationOp = { kind: deleteIt ? 'delete-workspace' : 'modify', seq: ++this.opSeq, at };
      const built = this.build(index);
      const changes = applyOp(this.ctx, this.skeleton(index), built, op);
      this.ops.set(index, [...(this.ops.get(index) ?? []), op]);
      if (deleteIt) result.deletedWorkspaces.push(this.skeleton(index).id);
      else result.changed.push({ workspaceId: this.skeleton(index).id, ...changes });
    }
    if (request.workspaces >= 5) result.addedWorkspaces.push(this.addWorkspace(at));
    return result;
  }

  private addWorkspace(at: number): string {
    const index = this.ctx.skeletons.length;
    const sk = workspaceSkeleton(
      this.ctx.seed,
      index,
      this.ctx.startMs,
      this.ctx.directory,
      this.ctx.capacities,
    );
    sk.type = 'Workspace';
    sk.state = 'Active';
    sk.name = `New Workspace ${index + 1}`;
    sk.createdAt = at;
    sk.baseModified = at;
    sk.datasets = Math.max(1, sk.datasets);
    this.ctx.skeletons.push(sk);
    this.byId.set(sk.id, index);
    return sk.id;
  }
}
