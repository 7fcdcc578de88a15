import { rngFrom, uuidFor, type Rng } from '../random.js';
import { pbiLocalTime, DAY } from '../clock.js';
import { FAMILIES, pickSource, type SourceFamily } from './datasources.js';
import type { TenantContext, WorkspaceSkeleton } from './context.js';
import { dataflowId, dataflowName, datasetId, datasetName } from './ids.js';
import { ColumnPlan } from './column-plan.js';
import { recordColumnTruth, type PendingColumns } from './column-record.js';
import type { TableLineageTruth, TableTruth } from './lineage-truth.js';
import { columnLineageContent } from './m-column-lineage.js';
import {
  pickProfile,
  realWorldContent,
  type RealWorldContent,
  type RealWorldProfile,
} from './m-real-world.js';
import {
  calendarSource,
  compositeReads,
  compositeSource,
  dataflowReads,
  dataflowSource,
  ENTERED_DATA_SOURCE,
  enteredDataColumns,
  localFileReads,
  localFileSource,
  parameterValues,
  tableSourceFor,
  type TableSource,
} from './m-sources.js';
import { calendarTable, dataTable, tableNames, type GeneratedTable } from './tables.js';
import type { DatasourceInstance, Principal, ScanDataset, ScanExpression, ScanTable } from './types.js';
import { artifactUsers, userAt } from './users.js';

export interface BuiltDataset {
  dataset: ScanDataset;
  datasources: DatasourceInstance[];
  misconfigured: DatasourceInstance[];
  /** Lineage ground truth of every table with an M (or DAX) source. */
  lineage: TableLineageTruth[];
}

type DatasetKind =
  'import' | 'directQuery' | 'mixed' | 'composite' | 'dataflow' | 'realtime' | 'neverRefreshed' | 'personal';

const FAMILY_WEIGHTS: readonly SourceFamily[] = [
  ...FAMILIES,
  'sql',
  'sql',
  'sql',
  'snowflake',
  'snowflake',
  'databricks',
  'bigquery',
  'postgres',
];

function datasetKind(rng: Rng, ctx: TenantContext, sk: WorkspaceSkeleton): DatasetKind {
  if (sk.type === 'PersonalGroup' || sk.type === 'Personal') return rng.chance(0.7) ? 'personal' : 'import';
  const roll = rng.next();
  if (roll < 0.55) return 'import';
  if (roll < 0.65) return 'directQuery';
  if (roll < 0.73) return 'mixed';
  if (roll < 0.78) return ctx.datasetHosts.length > 1 ? 'composite' : 'import';
  if (roll < 0.86) return ctx.dataflowHosts.length > 0 ? 'dataflow' : 'import';
  if (roll < 0.91) return 'realtime';
  return 'neverRefreshed';
}

/** Share of the datasets that could read a warehouse which get a real-world form instead. */
const REAL_WORLD_SHARE = 0.2;
/** Share of the warehouse datasets left (no real-world form) whose column lineage is known exactly. */
const COLUMN_LINEAGE_SHARE = 0.1;

interface DatasetContent {
  tables: ScanTable[];
  expressions: ScanExpression[];
  datasources: DatasourceInstance[];
  truth: TableTruth[];
  /** What the M and DAX of each table do to columns, turned into column truth once the model is complete. */
  columns: PendingColumns[];
}

/** A generated table, its table-level truth and what it does to columns. */
function addTable(out: DatasetContent, generated: GeneratedTable, truth: TableTruth, plan: ColumnPlan): void {
  out.tables.push(generated.table);
  out.truth.push(truth);
  out.columns.push({ table: generated.table.name, plan: () => plan, dax: generated.dax });
}

function mergeExpressions(target: ScanExpression[], more: ScanExpression[]): void {
  for (const e of more) if (!target.some((t) => t.name === e.name)) target.push(e);
}

function addSourcedTables(
  rng: Rng,
  ctx: TenantContext,
  names: string[],
  family: SourceFamily,
  dq: boolean,
  out: DatasetContent,
): void {
  const src = pickSource(ctx.pool, family, rng);
  for (const name of names) {
    const s: TableSource = tableSourceFor(family, src, name, rng, '');
    const generated = dataTable(rng, name, dq ? 'DirectQuery' : s.storageMode, s.expression);
    mergeExpressions(out.expressions, s.sharedExpressions);
    for (const d of s.datasources)
      if (!out.datasources.some((x) => x.datasourceId === d.datasourceId)) out.datasources.push(d);
    // A parameter another table registered first is the one this table's M reads.
    const upstreams = s.reads(parameterValues(out.expressions));
    const truth: TableTruth = {
      table: name,
      form: s.form,
      upstreams,
      ...(s.expectedDiagnostics !== undefined && { expectedDiagnostics: s.expectedDiagnostics }),
      ...(s.unverifiable !== undefined && { unverifiable: s.unverifiable }),
    };
    addTable(out, generated, truth, s.columns(upstreams));
  }
}

function readsWarehouse(kind: DatasetKind): boolean {
  return kind === 'import' || kind === 'directQuery' || kind === 'mixed';
}

/** The first draws of a dataset's stream: its owner and kind. */
function datasetStart(
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  n: number,
  salt: string | number,
): { rng: Rng; owner: Principal; kind: DatasetKind } {
  const rng = rngFrom(ctx.seed, sk.index, 'dataset', n, salt);
  const owner = userAt(ctx.directory, sk.owner + (rng.chance(0.3) ? n : 0));
  return { rng, owner, kind: datasetKind(rng, ctx, sk) };
}

const CYCLE_DATASETS = 2;
const cycleDatasetsOf = new WeakMap<TenantContext, Set<string>>();

/** `workspace index/ordinal` of the tenant's first two warehouse datasets (a few draws each). */
function cycleDatasets(ctx: TenantContext): Set<string> {
  let found = cycleDatasetsOf.get(ctx);
  if (found) return found;
  found = new Set<string>();
  for (const host of ctx.datasetHosts) {
    const sk = ctx.skeletons[host];
    for (let n = 0; sk && n < sk.datasets && found.size < CYCLE_DATASETS; n++)
      if (readsWarehouse(datasetStart(ctx, sk, n, 'base').kind)) found.add(`${host}/${n}`);
    if (found.size === CYCLE_DATASETS) break;
  }
  cycleDatasetsOf.set(ctx, found);
  return found;
}

/**
 * The tenant's first two warehouse datasets have a deliberate reference cycle; other warehouse
 * datasets get a real-world form by their own random stream, so every other dataset stays as it was.
 */
function realWorldProfile(
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  n: number,
  salt: string | number,
  kind: DatasetKind,
  rng: Rng,
): RealWorldProfile | undefined {
  if (!readsWarehouse(kind)) return undefined;
  const chosen = rng.chance(REAL_WORLD_SHARE);
  if (salt === 'base' && cycleDatasets(ctx).has(`${sk.index}/${n}`)) return 'model-cycle';
  return chosen ? pickProfile(rng) : undefined;
}

function replaceContent(out: DatasetContent, content: RealWorldContent): void {
  out.tables = content.tables;
  out.expressions = content.expressions;
  out.datasources = content.datasources;
  out.truth = content.truth;
  out.columns = content.columns;
}

/** One dataset of a workspace: pure function of (seed, workspace index, ordinal). */
export function buildDataset(
  ctx: TenantContext,
  sk: WorkspaceSkeleton,
  n: number,
  salt: string | number = 'base',
): BuiltDataset {
  const { rng, owner, kind } = datasetStart(ctx, sk, n, salt);
  const created = sk.createdAt + rng.next() * Math.max(DAY, sk.baseModified - sk.createdAt);
  const id =
    salt === 'base' ? datasetId(ctx.seed, sk.index, n) : uuidFor(ctx.seed, sk.index, 'dataset', n, salt);
  const dataset: ScanDataset = {
    id,
    name:
      salt === 'base' ? datasetName(ctx.seed, sk.index, n) : `${datasetName(ctx.seed, sk.index, n)} (new)`,
    configuredBy: owner.emailAddress,
    configuredById: owner.graphId,
    createdDate: pbiLocalTime(created),
    contentProviderType:
      kind === 'directQuery'
        ? 'PbixInDirectQueryMode'
        : kind === 'composite' || kind === 'mixed'
          ? 'PbixInCompositeMode'
          : kind === 'realtime'
            ? 'RealTime'
            : 'PbixInImportMode',
    targetStorageMode: sk.defaultDatasetStorageFormat === 'Large' ? 'PremiumFiles' : 'Abf',
  };
  if (rng.chance(0.4))
    dataset.description = rng.pick([
      'Star schema over the warehouse',
      'Owned by the BI team',
      'Ad-hoc model',
      'Certified KPIs',
    ]);
  if (rng.chance(0.3)) {
    dataset.isEffectiveIdentityRequired = rng.chance(0.5);
    dataset.isEffectiveIdentityRolesRequired = dataset.isEffectiveIdentityRequired;
  }
  const out: DatasetContent = { tables: [], expressions: [], datasources: [], truth: [], columns: [] };
  const misconfigured: DatasourceInstance[] = [];
  const year = new Date(ctx.startMs).getUTCFullYear();

  switch (kind) {
    case 'realtime':
      dataset.schemaRetrievalError = rng.chance(0.5)
        ? 'Unsupported request. RealTime dataset are not supported'
        : 'Unsupported request for RealTime model';
      break;
    case 'neverRefreshed':
      // Name and lineage only: no tables until the dataset is refreshed (scanner docs, "known gaps").
      out.datasources.push(pickSource(ctx.pool, rng.pick(FAMILY_WEIGHTS), rng).instance);
      break;
    case 'personal': {
      const user = owner.displayName.split(' ')[0] ?? 'user';
      // A file's columns are not known (a CSV without headers has Column1, Column2, ...).
      addTable(
        out,
        dataTable(rng, 'Table1', 'Import', localFileSource(user)),
        { table: 'Table1', form: 'local-file', upstreams: [localFileReads(user)] },
        ColumnPlan.opaque(),
      );
      break;
    }
    case 'dataflow': {
      const host = rng.pick(ctx.dataflowHosts);
      const hostSk = ctx.skeletons[host];
      const k = rng.int(0, Math.max(0, (hostSk?.dataflows ?? 1) - 1));
      const flowId = dataflowId(ctx.seed, host, k);
      const entity = dataflowName(ctx.seed, host, k).replace(/ \(staging\)$/, '');
      const reads = dataflowReads(hostSk?.id ?? '', flowId, entity);
      addTable(
        out,
        dataTable(rng, entity, 'Import', dataflowSource(hostSk?.id ?? '', flowId, entity)),
        { table: entity, form: 'dataflow', upstreams: [reads] },
        ColumnPlan.passthrough([reads]),
      );
      dataset.upstreamDataflows = [{ targetDataflowId: flowId, groupId: hostSk?.id ?? '' }];
      break;
    }
    case 'composite': {
      const host = rng.pick(ctx.datasetHosts.filter((h) => h !== sk.index));
      const hostSk = ctx.skeletons[host];
      const k = rng.int(0, Math.max(0, (hostSk?.datasets ?? 1) - 1));
      const remoteName = datasetName(ctx.seed, host, k);
      const remote = compositeSource(hostSk?.name ?? '', remoteName);
      const fact = dataTable(rng, 'FactSales', 'DirectQuery', remote);
      const targets = dataTable(rng, 'Targets', 'Import', ENTERED_DATA_SOURCE);
      // The M names the remote model, not which of its tables a column comes from.
      addTable(
        out,
        fact,
        {
          table: 'FactSales',
          form: 'composite',
          upstreams: [compositeReads(hostSk?.name ?? '', remoteName)],
        },
        ColumnPlan.opaque(),
      );
      addTable(out, targets, { table: 'Targets', form: 'entered-data', upstreams: [] }, enteredDataColumns());
      dataset.upstreamDatasets = [
        { targetDatasetId: datasetId(ctx.seed, host, k), groupId: hostSk?.id ?? '' },
      ];
      out.datasources.push({
        datasourceType: 'AnalysisServices',
        connectionDetails: {
          server: `powerbi://api.powerbi.com/v1.0/myorg/${hostSk?.name ?? ''}`,
          database: remoteName,
        },
        datasourceId: uuidFor(ctx.seed, 'as-datasource', host, k),
        gatewayId: ctx.pool.gateways[1] ?? '',
      });
      break;
    }
    case 'import':
    case 'directQuery':
    case 'mixed': {
      const names = tableNames(rng, rng.int(2, 7));
      const family = rng.pick(FAMILY_WEIGHTS);
      if (kind === 'mixed') {
        const half = Math.ceil(names.length / 2);
        addSourcedTables(rng, ctx, names.slice(0, half), family, false, out);
        addSourcedTables(rng, ctx, names.slice(half), rng.pick(FAMILY_WEIGHTS), true, out);
      } else {
        addSourcedTables(rng, ctx, names, family, kind === 'directQuery', out);
      }
      // Power BI refuses two tables of one name in a dataset; the random names may already hold these.
      const taken = (name: string): boolean => out.tables.some((table) => table.name === name);
      if (kind === 'import' && rng.chance(0.4) && !taken('Date'))
        // A calculated table: no M, so no data column; its calculated columns read its dates.
        addTable(
          out,
          calendarTable(calendarSource(year)),
          { table: 'Date', form: 'dax', upstreams: [] },
          ColumnPlan.opaque(),
        );
      if (kind === 'import' && rng.chance(0.25) && !taken('Budget'))
        addSourcedTables(rng, ctx, ['Budget'], 'sharepoint', false, out);
      if (rng.chance(0.1) && !taken('Manual Mapping'))
        addTable(
          out,
          dataTable(rng, 'Manual Mapping', 'Import', ENTERED_DATA_SOURCE),
          { table: 'Manual Mapping', form: 'entered-data', upstreams: [] },
          enteredDataColumns(),
        );
      const realWorld = rngFrom(ctx.seed, sk.index, 'real-world', n, salt);
      const profile = realWorldProfile(ctx, sk, n, salt, kind, realWorld);
      const mode = kind === 'directQuery' ? 'DirectQuery' : 'Import';
      if (profile) replaceContent(out, realWorldContent(ctx, profile, realWorld, mode));
      else {
        // Its own stream again, so choosing these datasets changes no other one.
        const columns = rngFrom(ctx.seed, sk.index, 'column-lineage', n, salt);
        if (columns.chance(COLUMN_LINEAGE_SHARE))
          replaceContent(out, columnLineageContent(ctx, columns, mode));
      }
      break;
    }
  }

  if (kind !== 'realtime' && kind !== 'neverRefreshed') {
    dataset.tables = out.tables;
    dataset.expressions = out.expressions;
  }
  if (kind === 'import' || kind === 'mixed') {
    if (rng.chance(0.7)) {
      dataset.refreshSchedule = {
        days: rng.chance(0.5) ? ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'] : [],
        times: rng.chance(0.5) ? ['06:00', '18:30'] : ['02:00'],
        enabled: rng.chance(0.9),
        localTimeZoneId: rng.pick(['UTC', 'W. Europe Standard Time', 'Pacific Standard Time']),
        notifyOption: rng.pick(['MailOnFailure', 'NoNotification']),
      };
    }
  } else if (kind === 'directQuery') {
    dataset.directQueryRefreshSchedule = { frequency: 15, days: [], times: [], localTimeZoneId: 'UTC' };
  }
  if (dataset.tables && dataset.tables.length > 1 && rng.chance(0.2)) {
    const first = dataset.tables[0];
    const member = rng.pick(ctx.directory.users);
    const group = rng.pick(ctx.directory.groups);
    dataset.roles = [
      {
        name: 'Region Managers',
        modelPermission: 'Read',
        members: [
          {
            memberName: member.identifier,
            memberId: member.graphId,
            memberType: 'User',
            identityProvider: 'AzureAD',
          },
          {
            memberName: group.displayName,
            memberId: group.graphId,
            memberType: 'Group',
            identityProvider: 'AzureAD',
          },
        ],
        tablePermissions: [
          { name: first?.name ?? 'Table', filterExpression: '[Country] = USERPRINCIPALNAME()' },
        ],
      },
    ];
  }
  if (rng.chance(0.15))
    dataset.endorsementDetails = rng.chance(0.4)
      ? { endorsement: 'Certified', certifiedBy: owner.identifier }
      : { endorsement: 'Promoted' };
  if (rng.chance(0.3)) dataset.sensitivityLabel = { labelId: rng.pick(ctx.sensitivityLabels) };
  if (out.datasources.length > 0)
    dataset.datasourceUsages = out.datasources.map((d) => ({ datasourceInstanceId: d.datasourceId }));
  if (rng.chance(0.04)) {
    misconfigured.push(ctx.pool.misconfigured);
    dataset.misconfiguredDatasourceUsages = [{ datasourceInstanceId: ctx.pool.misconfigured.datasourceId }];
  }
  dataset.users = rng.chance(0.2)
    ? []
    : artifactUsers(
        rng,
        ctx.directory,
        owner,
        'datasetUserAccessRight',
        'ReadWriteReshareExplore',
        ['Read', 'ReadExplore', 'ReadReshare', 'ReadWriteReshareExplore'],
        3,
      );
  recordColumnTruth(out.tables, out.truth, out.columns);
  const lineage = dataset.tables
    ? out.truth.map((t) => ({ workspaceId: sk.id, datasetId: dataset.id, ...t }))
    : [];
  return { dataset, datasources: out.datasources, misconfigured, lineage };
}
