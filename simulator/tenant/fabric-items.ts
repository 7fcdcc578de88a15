/**
 * Fabric items of a workspace on a capacity, in the scan's shapes (arrays keyed by item type, as
 * real scan results and the peer corpus show them): lakehouses with their SQL analytics endpoints,
 * warehouses, notebooks, data pipelines, eventhouses with KQL databases, Direct Lake semantic
 * models on a lakehouse's endpoint, and one item type the connector does not know.
 * A random stream of its own (seed, workspace, 'fabric'), so the rest of the tenant is unchanged.
 * https://learn.microsoft.com/rest/api/power-bi/admin/workspace-info-get-scan-result
 */
import type { TenantContext, WorkspaceSkeleton } from './context.js';
import { rngFrom, uuidFor, type Rng } from '../random.js';
import type { ArtifactUser, Principal, ScanDataset, ScanTable } from './types.js';
import { userAt } from './users.js';

/** A scan key the connector has no name for: it must still reach fabric_items. */
export const UNKNOWN_FABRIC_ARRAY = 'DigitalTwinBuilder';

export type FabricItem = Record<string, unknown> & { id: string; name: string };

export interface FabricItemTruth {
  workspaceId: string;
  /** The scan array the item is listed under. */
  scanArray: string;
  id: string;
  name: string;
}

/** A Direct Lake table and the endpoint table it reads (qualified as database.schema.table). */
export interface DirectLakeTruth {
  datasetId: string;
  table: string;
  server: string;
  qualifiedName: string;
}

export interface FabricRelationTruth {
  sourceId: string;
  targetId: string;
}

export interface BuiltFabric {
  arrays: Record<string, FabricItem[]>;
  /** Direct Lake semantic models, appended to the workspace's datasets. */
  models: ScanDataset[];
  truth: { items: FabricItemTruth[]; directLake: DirectLakeTruth[]; relations: FabricRelationTruth[] };
}

const LAKEHOUSE_TABLES = ['sales_orders', 'dim_customer', 'dim_product', 'fact_inventory', 'web_events'];

export function hasFabricItems(ctx: TenantContext, sk: WorkspaceSkeleton): boolean {
  const shared = sk.type === 'Workspace' || sk.type === 'Group';
  return (
    shared &&
    sk.state === 'Active' &&
    sk.capacityId !== undefined &&
    rngFrom(ctx.seed, sk.index, 'fabric').chance(0.5)
  );
}

/** Scan timestamps carry no offset (UTC). */
function scanTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '');
}

function itemUsers(rng: Rng, owner: Principal, right: 'artifactUserAccessRight' | 'datamartUserAccessRight') {
  const users: ArtifactUser[] = [
    {
      ...owner,
      [right]: right === 'artifactUserAccessRight' ? 'ReadWriteReshareExecute' : 'ReadWriteReshare',
    },
  ];
  if (rng.chance(0.3))
    users.push({ ...owner, identifier: `${owner.identifier}.viewer`, graphId: rng.uuid(), [right]: 'Read' });
  return users;
}

function relation(targetId: string, workspaceId: string) {
  return {
    dependentOnArtifactId: targetId,
    workspaceId,
    relationType: 'CascadeDelete',
    settingsList: 'CascadeDelete',
    usage: 'None',
  };
}

class FabricBuilder {
  readonly built: BuiltFabric = {
    arrays: {},
    models: [],
    truth: { items: [], directLake: [], relations: [] },
  };
  private n = 0;
  private readonly rng: Rng;
  private readonly owner: Principal;

  constructor(
    private readonly ctx: TenantContext,
    private readonly sk: WorkspaceSkeleton,
  ) {
    this.rng = rngFrom(ctx.seed, sk.index, 'fabric-items');
    this.owner = userAt(ctx.directory, sk.owner);
  }

  nextId(kind: string): string {
    return uuidFor(this.ctx.seed, this.sk.index, 'fabric', kind, this.n++);
  }

  /** Lakehouse-style fields: created/updated dates and both people. */
  modernFields(name: string) {
    const created =
      this.sk.createdAt + Math.floor(this.rng.next() * (this.sk.baseModified - this.sk.createdAt));
    const email = this.owner.emailAddress ?? this.owner.identifier;
    return {
      name,
      description: this.rng.chance(0.5) ? `${name} (${this.sk.name})` : null,
      state: 'Active',
      lastUpdatedDate: scanTime(Math.max(created, this.sk.baseModified - 3_600_000)),
      createdDate: scanTime(created),
      modifiedBy: email,
      createdBy: email,
      modifiedById: this.owner.graphId,
      createdById: this.owner.graphId,
      users: itemUsers(this.rng, this.owner, 'artifactUserAccessRight'),
    };
  }

  /** Warehouse / SQL endpoint fields: the datamart-era configuredBy/modifiedDateTime shape. */
  sqlFields(name: string) {
    const email = this.owner.emailAddress ?? this.owner.identifier;
    return {
      name,
      configuredBy: email,
      configuredById: this.owner.graphId,
      modifiedBy: email,
      modifiedById: this.owner.graphId,
      modifiedDateTime: scanTime(this.sk.baseModified - Math.floor(this.rng.next() * 86_400_000)),
      users: itemUsers(this.rng, this.owner, 'datamartUserAccessRight'),
    };
  }

  add(scanArray: string, item: FabricItem): FabricItem {
    (this.built.arrays[scanArray] ??= []).push(item);
    this.built.truth.items.push({ workspaceId: this.sk.id, scanArray, id: item.id, name: item.name });
    const relations = item.relations as { dependentOnArtifactId: string }[] | undefined;
    for (const r of relations ?? [])
      this.built.truth.relations.push({ sourceId: item.id, targetId: r.dependentOnArtifactId });
    return item;
  }

  lakehouse(k: number): void {
    const id = this.nextId('lakehouse');
    const endpointId = this.nextId('sql-endpoint');
    const name = `${this.rng.pick(['Bronze', 'Silver', 'Gold', 'Staging', 'Raw'])}Lakehouse${k}`;
    const host = `${this.rng.uuid().slice(0, 12)}-${this.sk.id.slice(0, 8)}.datawarehouse.fabric.microsoft.com`;
    const base = `https://onelake.dfs.fabric.microsoft.com/${this.sk.id}/${id}`;
    this.add('Lakehouse', {
      id,
      ...this.modernFields(name),
      extendedProperties: {
        OneLakeTablesPath: `${base}/Tables`,
        OneLakeFilesPath: `${base}/Files`,
        DwProperties: JSON.stringify({ tdsEndpoint: host, id: endpointId, provisioningStatus: 'Success' }),
      },
    });
    this.add('SQLAnalyticsEndpoint', {
      id: endpointId,
      ...this.sqlFields(name),
      relations: [relation(id, this.sk.id)],
    });
    if (this.rng.chance(0.7)) this.directLakeModel(name, endpointId, host);
  }

  directLakeModel(name: string, endpointId: string, host: string): void {
    const id = this.nextId('direct-lake-model');
    const tableNames = LAKEHOUSE_TABLES.filter(() => this.rng.chance(0.6));
    const tables: ScanTable[] = tableNames.map((table) => ({
      name: table,
      isHidden: false,
      storageMode: 'DirectLake',
      columns: [
        { name: 'id', dataType: 'Int64', isHidden: false, columnType: 'Data' },
        { name: 'updated_at', dataType: 'DateTime', isHidden: false, columnType: 'Data' },
      ],
    }));
    const email = this.owner.emailAddress ?? this.owner.identifier;
    this.built.models.push({
      id,
      name: `${name} model`,
      configuredBy: email,
      configuredById: this.owner.graphId,
      createdDate: scanTime(this.sk.baseModified - 7 * 86_400_000),
      contentProviderType: 'PbixInDirectLakeMode',
      targetStorageMode: 'Abf',
      tables,
      expressions: [
        {
          name: 'DatabaseQuery',
          expression: `let\n    database = Sql.Database("${host}", "${endpointId}")\nin\n    database`,
        },
      ],
      relations: [relation(endpointId, this.sk.id)],
    } as ScanDataset);
    this.built.truth.relations.push({ sourceId: id, targetId: endpointId });
    for (const table of tableNames)
      this.built.truth.directLake.push({
        datasetId: id,
        table,
        server: host,
        qualifiedName: `${endpointId}.dbo.${table}`,
      });
  }

  others(): void {
    if (this.rng.chance(0.5))
      this.add('warehouses', { id: this.nextId('warehouse'), ...this.sqlFields('SalesWarehouse') });
    for (let k = 0; k < this.rng.int(0, 3); k++)
      this.add('Notebook', { id: this.nextId('notebook'), ...this.modernFields(`Transform ${k + 1}`) });
    if (this.rng.chance(0.6))
      this.add('DataPipeline', { id: this.nextId('pipeline'), ...this.modernFields('Nightly load') });
    if (this.rng.chance(0.3)) {
      const eventhouse = this.add('Eventhouse', {
        id: this.nextId('eventhouse'),
        ...this.modernFields('Telemetry'),
      });
      this.add('KQLDatabase', {
        id: this.nextId('kql-database'),
        ...this.modernFields('Telemetry'),
        relations: [relation(eventhouse.id, this.sk.id)],
      });
    }
    if (this.rng.chance(0.4))
      this.add(UNKNOWN_FABRIC_ARRAY, {
        id: this.nextId('unknown'),
        ...this.modernFields('Plant twin'),
        ontologyVersion: 3,
        extendedProperties: { region: 'west' },
      });
  }
}

/** The Fabric content of a workspace (empty for most workspaces). */
export function buildFabricItems(ctx: TenantContext, sk: WorkspaceSkeleton): BuiltFabric {
  const builder = new FabricBuilder(ctx, sk);
  if (!hasFabricItems(ctx, sk)) return builder.built;
  const rng = rngFrom(ctx.seed, sk.index, 'fabric-shape');
  for (let k = 1; k <= rng.int(1, 2); k++) builder.lakehouse(k);
  builder.others();
  return builder.built;
}
