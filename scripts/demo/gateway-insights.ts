/**
 * Gateways in the demo: each gateway with the datasources bound to it and those the current
 * content uses, and which gateway the datasources of a warehouse panel go through.
 */
import type { Destination } from './destination.js';

export interface GatewaySummary {
  id: string;
  /** The gateway's name, or a stand-in naming its id when the identity is no gateway admin. */
  label: string;
  status: string | null;
  members: number;
  /** Datasources bound to the gateway: gateways.datasourceIds (scan and gateway API) and datasources rows. */
  bound: number;
  /** `type server/database` of each current datasources row going through the gateway (one per row). */
  inUse: string[];
}

/** A datasource and a dataset that uses it. */
export interface DatasourceGateway {
  dataset: string;
  /** connectionDetails as JSON text, lower-cased: where a warehouse's server is looked for. */
  connection: string;
  /** Lower-cased; null: the datasource connects without a gateway. */
  gateway: string | null;
}

/** The gateways a warehouse panel's datasources go through, and whether some connect directly. */
export interface WarehouseGateways {
  names: string[];
  direct: boolean;
}

interface GatewayRow {
  id: string;
  name: string | null;
  status: string | null;
  members: number;
  bound: number;
}

interface UseRow {
  gateway: string;
  label: string;
}

/**
 * Bound datasources: the gateway row's datasourceIds and the current datasources rows naming the
 * gateway. After an incremental read the row carries the scan's bindings of the re-scanned
 * workspaces only, so the datasources table completes it.
 */
const GATEWAYS_SQL = `
WITH bound AS (
  SELECT lower(g.id) AS gateway, lower(u.id) AS datasource
  FROM gateways AS g, unnest(from_json(g."datasourceIds", '["VARCHAR"]')) AS u(id)
  UNION
  SELECT lower("gatewayId"), lower("datasourceId") FROM datasources WHERE "gatewayId" IS NOT NULL
)
SELECT g.id, g.name, g.status, coalesce(json_array_length(g.members), 0)::INTEGER AS members,
       (SELECT count(*) FROM bound AS b WHERE b.gateway = lower(g.id))::INTEGER AS bound
FROM gateways AS g ORDER BY g.name NULLS LAST, g.id`;

// No connection strings on the page: they may carry more than a server name.
const IN_USE_SQL = `
SELECT lower("gatewayId") AS gateway,
       concat_ws(' ', "datasourceType",
                 concat_ws('/', coalesce("connectionDetails"->>'server', "connectionDetails"->>'url',
                                         "connectionDetails"->>'path', "connectionDetails"->>'extensionDataSourcePath',
                                         CASE WHEN "connectionDetails"->>'connectionString' IS NOT NULL
                                              THEN '(connection string not shown)' END),
                           "connectionDetails"->>'database')) AS label
FROM datasources WHERE "gatewayId" IS NOT NULL ORDER BY label`;

const DATASOURCE_GATEWAYS_SQL = `
SELECT DISTINCT lower(l."sourceId") AS dataset, lower(d."connectionDetails"::VARCHAR) AS connection,
       lower(d."gatewayId") AS gateway
FROM lineage AS l JOIN datasources AS d ON lower(d."datasourceId") = lower(l."targetId")
WHERE l."targetType" = 'datasource'`;

export function gatewayLabel(id: string, name: string | null): string {
  return name ?? `gateway ${id.slice(0, 8)} (name unknown: not a gateway admin)`;
}

export async function readGateways(db: Destination): Promise<GatewaySummary[]> {
  if (!db.has('gateways') || !db.has('datasources')) return [];
  const uses = await db.rows<UseRow>(IN_USE_SQL);
  return (await db.rows<GatewayRow>(GATEWAYS_SQL)).map((g) => ({
    id: g.id,
    label: gatewayLabel(g.id, g.name),
    status: g.status,
    members: g.members,
    bound: g.bound,
    inUse: uses.filter((u) => u.gateway === g.id.toLowerCase()).map((u) => u.label),
  }));
}

export async function readDatasourceGateways(db: Destination): Promise<DatasourceGateway[]> {
  if (!['lineage', 'datasources'].every((t) => db.has(t))) return [];
  return db.rows<DatasourceGateway>(DATASOURCE_GATEWAYS_SQL);
}

/** Whether the connection details name this server as a whole value (not a longer host containing it). */
function namesServer(connection: string, server: string): boolean {
  const escaped = server.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|["';=/\\\\])${escaped}($|["';:/\\\\])`).test(connection);
}

/**
 * The gateways of a warehouse panel: those of the datasources its datasets use whose connection
 * details name the warehouse's server (the M upstream and the datasource spell it the same way).
 */
export function gatewaysOfWarehouse(
  uses: DatasourceGateway[],
  gateways: GatewaySummary[],
  warehouse: string,
  datasets: ReadonlySet<string>,
): WarehouseGateways {
  const matched = uses.filter((u) => datasets.has(u.dataset) && namesServer(u.connection, warehouse));
  const ids = new Set(matched.flatMap((u) => (u.gateway === null ? [] : [u.gateway])));
  const names = [...ids].map(
    (id) => gateways.find((g) => g.id.toLowerCase() === id)?.label ?? gatewayLabel(id, null),
  );
  return { names: names.sort(), direct: matched.some((u) => u.gateway === null) };
}
