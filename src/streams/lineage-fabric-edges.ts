/**
 * Fabric lineage: the scan's `relations` (a SQL analytics endpoint on its lakehouse, a semantic
 * model on its SQL endpoint or warehouse) as item edges, and the tables of Direct Lake models as
 * edges to the lakehouse or warehouse tables they read.
 *
 * A Direct Lake model reads its tables through one dataset expression (DatabaseQuery):
 * `Sql.Database("<endpoint>.datawarehouse.fabric.microsoft.com", "<sql endpoint or warehouse id>")`;
 * each table is an entity partition of that source. The scan gives the expression but (in every
 * payload seen) not the partitions: the entity is then taken to be the table's name in schema dbo,
 * and the edge says so in a diagnostic.
 */
import type { ScanDataset, ScanRelation, ScanTable, ScanWorkspace } from '../powerbi/scan-types.js';
import { keyedTables } from './dataset-tables.js';
import { fabricItemArrays } from './fabric-item-arrays.js';
import type { EdgeParts } from './lineage-edge.js';
import type { EdgeSource } from './lineage-upstream-edges.js';
import { list, text } from './values.js';

const SQL_DATABASE = /Sql\.Database\s*\(\s*"([^"]+)"\s*,\s*"([^"]+)"/i;
const DEFAULT_SCHEMA = 'dbo';

function* relationEdges(source: EdgeSource, relations: readonly ScanRelation[] | null | undefined) {
  for (const relation of list(relations)) {
    const targetId = text(relation.dependentOnArtifactId);
    if (!targetId) continue;
    const edge: EdgeParts = {
      ...source,
      relation: 'relations',
      targetType: 'fabric_item',
      targetId,
      targetWorkspaceId: text(relation.workspaceId),
    };
    yield edge;
  }
}

interface SqlSource {
  server: string;
  database: string;
}

/** The Sql.Database call of the expression the partition names, else of DatabaseQuery, else of the only one. */
function sqlSourceOf(dataset: ScanDataset, expressionName: string | null): SqlSource | null {
  const calls = list(dataset.expressions).flatMap((e) => {
    const match = SQL_DATABASE.exec(text(e.expression) ?? '');
    return match?.[1] && match[2]
      ? [{ name: text(e.name)?.toLowerCase(), server: match[1], database: match[2] }]
      : [];
  });
  const wanted = (expressionName ?? 'DatabaseQuery').toLowerCase();
  const chosen = calls.find((c) => c.name === wanted) ?? (calls.length === 1 ? calls[0] : undefined);
  return chosen ? { server: chosen.server, database: chosen.database } : null;
}

function isDirectLake(table: ScanTable): boolean {
  return text(table.storageMode)?.toLowerCase() === 'directlake';
}

/** The entity partition of the table, when the scan gives one, and no M to analyse either way. */
function entityOf(table: ScanTable) {
  const sources = list(table.source);
  if (sources.some((s) => text(s.expression))) return undefined;
  const entity = sources.find((s) => text(s.entityName));
  return {
    entityName: text(entity?.entityName),
    schemaName: text(entity?.schemaName),
    expressionSource: text(entity?.expressionSource),
  };
}

function* directLakeEdges(ws: ScanWorkspace): Iterable<EdgeParts> {
  for (const { dataset, datasetId, table, tableName } of keyedTables(ws)) {
    if (!isDirectLake(table)) continue;
    const entity = entityOf(table);
    if (!entity) continue;
    const sql = sqlSourceOf(dataset, entity.expressionSource);
    if (!sql) continue;
    const schema = entity.schemaName ?? DEFAULT_SCHEMA;
    const name = entity.entityName ?? tableName;
    yield {
      relation: 'directLake',
      sourceType: 'table',
      sourceId: datasetId,
      sourceName: text(dataset.name),
      sourceTableName: tableName,
      targetType: 'external_table',
      targetId: sql.database,
      targetWorkspaceId: null,
      upstream: {
        platform: 'sqlserver',
        server: sql.server,
        database: sql.database,
        schema,
        table: name,
        qualifiedName: `${sql.database}.${schema}.${name}`.toLowerCase(),
        kind: 'table',
        via: 'Sql.Database',
        nativeQuery: false,
        partial: null,
        alternative: null,
      },
      diagnostics: entity.entityName
        ? null
        : [
            {
              kind: 'entity_name_assumed',
              message:
                'The scan gives no entity partition: the table name in schema dbo is taken as the entity.',
              functionName: null,
              parameter: null,
            },
          ],
    };
  }
}

/** Relations always; Direct Lake tables only when M lineage is on (they are the same kind of edge). */
export function* fabricEdges(ws: ScanWorkspace, withTables: boolean): Iterable<EdgeParts> {
  for (const array of fabricItemArrays(ws))
    for (const item of array.items) {
      const sourceId = text(item.id);
      if (sourceId)
        yield* relationEdges(
          { sourceType: 'fabric_item', sourceId, sourceName: text(item.name) },
          item.relations,
        );
    }
  for (const ds of list(ws.datasets)) {
    const sourceId = text(ds.id);
    if (sourceId)
      yield* relationEdges({ sourceType: 'dataset', sourceId, sourceName: text(ds.name) }, ds.relations);
  }
  if (withTables) yield* directLakeEdges(ws);
}
