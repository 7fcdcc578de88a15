/**
 * Edges from a dataset table to the warehouse tables, files, dataflows and datasets its Power
 * Query M reads, found by the lineage library. When M yields nothing but problems, one
 * `unresolved` edge carries the diagnostics so users can see why lineage is missing.
 */
import type {
  LineageAnalyser,
  LineageDiagnostic,
  MExpressionInput,
  MLineageResult,
  NamedExpression,
  UpstreamReference,
} from '../lineage/index.js';
import type { ScanDataset, ScanTable, ScanWorkspace } from '../powerbi/scan-types.js';
import type { EdgeParts } from './lineage-edge.js';
import { datasourceHints, mayNeedDatasources, type TableSource } from './lineage-deferred.js';
import type { MappingContext, ScanBatch } from './stream.js';
import { list, text } from './values.js';

type Diagnostic = NonNullable<EdgeParts['diagnostics']>[number];

const targetTypes = {
  table: 'external_table',
  file: 'file',
  dataflow: 'dataflow',
  dataset: 'dataset',
  model_table: 'table',
} as const satisfies Record<UpstreamReference['kind'], EdgeParts['targetType']>;

function namedExpressions(dataset: ScanDataset): NamedExpression[] {
  return list(dataset.expressions).flatMap((e) => {
    const name = text(e.name);
    const expression = text(e.expression);
    return name !== null && expression !== null ? [{ name, expression }] : [];
  });
}

/** Each table's M, for references from one table to another (`Source = Sales`); the first partition's. */
function namedTableSources(dataset: ScanDataset): NamedExpression[] {
  return list(dataset.tables).flatMap((table) => {
    const name = text(table.name);
    const expression = list(table.source)
      .map((part) => text(part.expression))
      .find((m) => m !== null && m.trim() !== '');
    return name !== null && expression !== undefined && expression !== null ? [{ name, expression }] : [];
  });
}

/** Without an analyser from the read command: one in this thread for the process, made on first use. */
let inThread: Promise<LineageAnalyser> | undefined;
function inThreadDefault(): Promise<LineageAnalyser> {
  inThread ??= import('../lineage/runtime/worker-pool.js').then(({ createLineageAnalyser }) =>
    createLineageAnalyser({ threads: 0 }),
  );
  return inThread;
}

/** The library is pure but M in the wild is endless: a crash becomes a diagnostic, not a failed sync. */
export function analyse(
  inputs: MExpressionInput[],
  affinity: string,
  ctx: MappingContext,
): Promise<MLineageResult[]> {
  if (inputs.length === 0) return Promise.resolve([]);
  return Promise.resolve(ctx.lineage.analyser ?? inThreadDefault())
    .then((analyser) => analyser.analyse(inputs, affinity))
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      return inputs.map(() => ({
        upstreams: [],
        diagnostics: [{ kind: 'analysis_failed' as const, message: `Lineage analysis failed: ${message}` }],
      }));
    });
}

function diagnostic(d: LineageDiagnostic): Diagnostic {
  return {
    kind: d.kind,
    message: d.message,
    functionName: d.functionName ?? null,
    parameter: d.parameter ?? null,
  };
}

/** The name of an upstream table as records carry it (lineage and column_lineage alike). */
export function upstreamName(u: UpstreamReference) {
  return {
    platform: u.platform,
    server: u.server ?? null,
    database: u.database ?? null,
    schema: u.schema ?? null,
    table: u.table,
    qualifiedName: u.qualifiedName,
  };
}

function upstream(u: UpstreamReference): NonNullable<EdgeParts['upstream']> {
  return {
    ...upstreamName(u),
    kind: u.kind,
    via: u.via ?? null,
    nativeQuery: u.nativeQuery ?? null,
    partial: u.partial ?? null,
    alternative: u.alternative ?? null,
  };
}

/** One table's M analyses, started before its edges are wanted. */
export interface TableAnalyses {
  source: TableSource;
  workspaceId: string;
  inputs: MExpressionInput[];
  /** The dataset's datasourceUsages, lower-cased instance ids. */
  usedInstanceIds: string[];
  results: Promise<MLineageResult[]>;
}

export function edgesOf(source: TableSource, result: MLineageResult, workspaceId: string): EdgeParts[] {
  // A calculated table's DAX is recognised, not a problem: it has no M lineage. Column lineage's
  // diagnostics belong to column_lineage.
  const problems = result.diagnostics
    .filter((d) => d.kind !== 'dax_expression' && d.kind !== 'opaque_columns')
    .map(diagnostic);
  const diagnostics = problems.length > 0 ? problems : null;
  const edges: EdgeParts[] = result.upstreams.map((u) => ({
    ...source,
    relation: 'source',
    targetType: targetTypes[u.kind],
    // Another table of the same dataset: the dataset is the item depended on.
    ...(u.kind === 'model_table' ? { targetId: source.sourceId, targetWorkspaceId: workspaceId } : {}),
    upstream: upstream(u),
    diagnostics,
  }));
  if (edges.length === 0 && diagnostics) {
    edges.push({ ...source, relation: 'source', targetType: 'unresolved', diagnostics });
  }
  return edges;
}

/**
 * Starts the analysis of every table expression of the workspace at once (eagerly, unlike the
 * generators around it), so lineage workers can run ahead while other streams' records are written.
 */
export function startMAnalyses(
  ws: ScanWorkspace,
  ctx: MappingContext,
  withColumns = ctx.lineage.columns === true,
): TableAnalyses[] {
  if (!ctx.lineage.enabled) return [];
  // The lineage and column_lineage streams of one workspace share one analysis.
  const memo = startedAnalyses.get(ctx) ?? new WeakMap<ScanWorkspace, Started>();
  startedAnalyses.set(ctx, memo);
  const known = memo.get(ws);
  if (known !== undefined && (known.withColumns || !withColumns)) return known.analyses;
  const analyses = analysesOf(ws, ctx, withColumns);
  memo.set(ws, { withColumns, analyses });
  return analyses;
}

interface Started {
  withColumns: boolean;
  analyses: TableAnalyses[];
}

const startedAnalyses = new WeakMap<MappingContext, WeakMap<ScanWorkspace, Started>>();

/** The columns Power Query loads (not DAX calculated ones): the M output's columns. */
function dataColumns(table: ScanTable): string[] {
  return list(table.columns).flatMap((column) => {
    const name = text(column.name);
    const type = text(column.columnType);
    return name !== null && (type === null || type === 'Data') ? [name] : [];
  });
}

function analysesOf(ws: ScanWorkspace, ctx: MappingContext, withColumns: boolean): TableAnalyses[] {
  const options = { odbcDsnMap: ctx.lineage.odbcDsnMap };
  const started: TableAnalyses[] = [];
  for (const dataset of list(ws.datasets)) {
    const sourceId = text(dataset.id);
    if (!sourceId) continue;
    const expressions = namedExpressions(dataset);
    const tableSources = namedTableSources(dataset);
    const usedInstanceIds = list(dataset.datasourceUsages).flatMap((usage) => {
      const id = text(usage.datasourceInstanceId);
      return id === null ? [] : [id.toLowerCase()];
    });
    // A dataset's tables go out together; each table takes its slice of the answers.
    const inputs: MExpressionInput[] = [];
    const tables: { source: TableSource; from: number; to: number }[] = [];
    for (const table of list(dataset.tables)) {
      const sourceTableName = text(table.name);
      if (sourceTableName === null) continue;
      const from = inputs.length;
      for (const part of list(table.source)) {
        const expression = text(part.expression);
        if (expression === null || expression.trim() === '') continue;
        const input: MExpressionInput = {
          expression,
          expressions,
          tables: tableSources,
          tableName: sourceTableName,
          options,
        };
        inputs.push(withColumns ? { ...input, columns: dataColumns(table) } : input);
      }
      const source: TableSource = {
        sourceType: 'table',
        sourceId,
        sourceName: text(dataset.name),
        sourceTableName,
      };
      tables.push({ source, from, to: inputs.length });
    }
    const results = analyse(inputs, sourceId, ctx);
    for (const { source, from, to } of tables) {
      started.push({
        source,
        workspaceId: ws.id,
        inputs: inputs.slice(from, to),
        usedInstanceIds,
        results: results.then((all) => all.slice(from, to)),
      });
    }
  }
  return started;
}

/**
 * Edges from a dataset table to what its M reads, in table order. A table with a name only the
 * dataset's datasources can resolve waits for its batch when the read gives a place to wait.
 */
export async function* mEdges(
  analyses: readonly TableAnalyses[],
  ctx: MappingContext,
): AsyncIterable<EdgeParts> {
  for (const table of analyses) {
    const results = await table.results;
    const deferred = ctx.lineage.deferred;
    if (deferred !== undefined && table.usedInstanceIds.length > 0 && mayNeedDatasources(results)) {
      deferred.add({ ...table, affinity: table.source.sourceId });
      continue;
    }
    for (const result of results) yield* edgesOf(table.source, result, table.workspaceId);
  }
}

/** The waiting tables' edges, analysed again with their datasets' datasources from the batch. */
export async function* deferredEdges(
  batch: ScanBatch,
  ctx: MappingContext,
): AsyncIterable<{ workspaceId: string; parts: EdgeParts }> {
  for (const table of ctx.lineage.deferred?.drain() ?? []) {
    const dataSources = datasourceHints(table.usedInstanceIds, batch.datasourceInstances);
    const inputs = table.inputs.map((input) => ({ ...input, dataSources }));
    for (const result of await analyse(inputs, table.affinity, ctx))
      for (const parts of edgesOf(table.source, result, table.workspaceId))
        yield { workspaceId: table.workspaceId, parts };
  }
}
