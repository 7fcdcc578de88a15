/**
 * Edges from the dependency lists Microsoft puts on datasets, tables, dataflows and datamarts:
 * upstreamDatasets, upstreamDataflows, upstreamDatamarts, datasourceUsages and
 * misconfiguredDatasourceUsages (each entry: a target id, and the target's workspace as groupId).
 */
import type {
  ScanDatasourceUsage,
  ScanUpstreamDataflow,
  ScanUpstreamDatamart,
  ScanUpstreamDataset,
} from '../powerbi/scan-types.js';
import type { EdgeParts } from './lineage-edge.js';
import { list, text } from './values.js';

export type EdgeSource = Pick<
  EdgeParts,
  'sourceType' | 'sourceId' | 'sourceName' | 'sourceDashboardId' | 'sourceTableName'
>;

type Maybe<T> = readonly T[] | null | undefined;
type Entry = Partial<ScanUpstreamDataset & ScanUpstreamDataflow & ScanUpstreamDatamart & ScanDatasourceUsage>;

export interface DependencyLists {
  upstreamDatasets?: Maybe<ScanUpstreamDataset>;
  upstreamDataflows?: Maybe<ScanUpstreamDataflow>;
  /** Microsoft's datamart example spells it in PascalCase. */
  UpstreamDataflows?: Maybe<ScanUpstreamDataflow>;
  upstreamDatamarts?: Maybe<ScanUpstreamDatamart>;
  datasourceUsages?: Maybe<ScanDatasourceUsage>;
  misconfiguredDatasourceUsages?: Maybe<ScanDatasourceUsage>;
}

interface ListRule {
  relation: EdgeParts['relation'];
  targetType: EdgeParts['targetType'];
  entries: (item: DependencyLists) => Maybe<Entry>;
  targetId: (entry: Entry) => unknown;
}

const rules: readonly ListRule[] = [
  {
    relation: 'upstreamDatasets',
    targetType: 'dataset',
    entries: (item) => item.upstreamDatasets,
    targetId: (e) => e.targetDatasetId,
  },
  {
    relation: 'upstreamDataflows',
    targetType: 'dataflow',
    entries: (item) => item.upstreamDataflows ?? item.UpstreamDataflows,
    targetId: (e) => e.targetDataflowId,
  },
  {
    relation: 'upstreamDatamarts',
    targetType: 'datamart',
    entries: (item) => item.upstreamDatamarts,
    targetId: (e) => e.targetDatamartId,
  },
  {
    relation: 'datasourceUsages',
    targetType: 'datasource',
    entries: (item) => item.datasourceUsages,
    targetId: (e) => e.datasourceInstanceId,
  },
  {
    relation: 'misconfiguredDatasourceUsages',
    targetType: 'datasource',
    entries: (item) => item.misconfiguredDatasourceUsages,
    targetId: (e) => e.datasourceInstanceId,
  },
];

export function* dependencyEdges(source: EdgeSource, item: DependencyLists): Iterable<EdgeParts> {
  for (const rule of rules) {
    for (const entry of list(rule.entries(item))) {
      const targetId = text(rule.targetId(entry));
      if (!targetId) continue;
      // Datasource instances are tenant-level: they have no workspace.
      const targetWorkspaceId = rule.targetType === 'datasource' ? null : text(entry.groupId);
      yield { ...source, relation: rule.relation, targetType: rule.targetType, targetId, targetWorkspaceId };
    }
  }
}
