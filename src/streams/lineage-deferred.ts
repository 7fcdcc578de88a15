/**
 * Tables whose M names something the workspace alone cannot resolve (a structured data source
 * such as `#"Warehouse"`, as models migrated from Analysis Services have) wait for the end of
 * their scan batch: only then are the batch's datasource instances known, and the dataset's
 * `datasourceUsages` say which of them it uses. Their edges are emitted with the batch.
 */
import type { DataSourceHint, MExpressionInput, MLineageResult } from '../lineage/index.js';
import type { ScanDatasourceInstance } from '../powerbi/scan-types.js';
import type { EdgeParts } from './lineage-edge.js';
import { text } from './values.js';

export type TableSource = Pick<EdgeParts, 'sourceType' | 'sourceId' | 'sourceName' | 'sourceTableName'>;

export interface DeferredTable {
  readonly source: TableSource;
  readonly workspaceId: string;
  readonly inputs: readonly MExpressionInput[];
  /** The dataset's datasourceUsages[].datasourceInstanceId, lower-cased. */
  readonly usedInstanceIds: readonly string[];
  readonly affinity: string;
}

/** One per read: filled while workspaces are mapped, drained when their batch completes. */
export class DeferredLineage {
  private readonly waiting: DeferredTable[] = [];

  add(table: DeferredTable): void {
    this.waiting.push(table);
  }

  /** Every table waiting so far (the batch that completes holds them all), in arrival order. */
  drain(): DeferredTable[] {
    return this.waiting.splice(0, this.waiting.length);
  }
}

/** The first result asks for a datasource the dataset may have (an unresolved name). */
export function mayNeedDatasources(results: readonly MLineageResult[]): boolean {
  return results.some((result) => result.diagnostics.some((d) => d.kind === 'unresolved_reference'));
}

function hintOf(instance: ScanDatasourceInstance): DataSourceHint | undefined {
  const type = text(instance.datasourceType);
  if (type === null) return undefined;
  const details = instance.connectionDetails ?? {};
  const hint: DataSourceHint = { type };
  for (const key of ['server', 'database', 'url', 'path'] as const) {
    const value = text((details as Record<string, unknown>)[key]);
    if (value !== null) hint[key] = value;
  }
  return hint;
}

/** The dataset's datasources among a batch's instances. */
export function datasourceHints(
  usedInstanceIds: readonly string[],
  instances: readonly ScanDatasourceInstance[],
): DataSourceHint[] {
  const used = new Set(usedInstanceIds);
  return instances.flatMap((instance) => {
    const id = text(instance.datasourceId)?.toLowerCase();
    const hint = id !== undefined && used.has(id) ? hintOf(instance) : undefined;
    return hint === undefined ? [] : [hint];
  });
}
