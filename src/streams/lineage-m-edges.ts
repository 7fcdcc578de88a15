/**
 * Edges from a dataset table to the warehouse tables, files, dataflows and datasets its Power
 * Query M reads, found by the lineage library. When M yields nothing but problems, one
 * `unresolved` edge carries the diagnostics so users can see why lineage is missing.
 */
import {
  extractMLineage,
  type LineageDiagnostic,
  type MLineageResult,
  type NamedExpression,
  type UpstreamReference,
} from '../lineage/index.js';
import type { ScanDataset, ScanTable, ScanWorkspace } from '../powerbi/scan-types.js';
import type { EdgeParts } from './lineage-edge.js';
import type { MappingContext } from './stream.js';
import { list, text } from './values.js';

type Diagnostic = NonNullable<EdgeParts['diagnostics']>[number];
type TableSource = Pick<EdgeParts, 'sourceType' | 'sourceId' | 'sourceName' | 'sourceTableName'>;

const targetTypes = {
  table: 'external_table',
  file: 'file',
  dataflow: 'dataflow',
  dataset: 'dataset',
} as const satisfies Record<UpstreamReference['kind'], EdgeParts['targetType']>;

function namedExpressions(dataset: ScanDataset): NamedExpression[] {
  return list(dataset.expressions).flatMap((e) => {
    const name = text(e.name);
    const expression = text(e.expression);
    return name !== null && expression !== null ? [{ name, expression }] : [];
  });
}

/** The library is pure but M in the wild is endless: a crash on one table becomes a diagnostic, not a failed sync. */
async function analyse(
  expression: string,
  expressions: NamedExpression[],
  ctx: MappingContext,
): Promise<MLineageResult> {
  try {
    const input = {
      expression,
      expressions,
      options: { odbcDsnMap: ctx.lineage.odbcDsnMap },
    };
    // The library's process-wide cache: texts and SQL seen earlier in the sync are not parsed again.
    return await extractMLineage(input);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      upstreams: [],
      diagnostics: [{ kind: 'unparsable_expression', message: `Lineage analysis failed: ${message}` }],
    };
  }
}
function diagnostic(d: LineageDiagnostic): Diagnostic {
  return {
    kind: d.kind,
    message: d.message,
    functionName: d.functionName ?? null,
    parameter: d.parameter ?? null,
  };
}

function upstream(u: UpstreamReference): NonNullable<EdgeParts['upstream']> {
  return {
    platform: u.platform,
    server: u.server ?? null,
    database: u.database ?? null,
    schema: u.schema ?? null,
    table: u.table,
    qualifiedName: u.qualifiedName,
    kind: u.kind,
    via: u.via ?? null,
    nativeQuery: u.nativeQuery ?? null,
  };
}

async function* tableEdges(
  source: TableSource,
  table: ScanTable,
  expressions: NamedExpression[],
  ctx: MappingContext,
): AsyncIterable<EdgeParts> {
  for (const part of list(table.source)) {
    const expression = text(part.expression);
    if (expression === null || expression.trim() === '') continue;
    const result = await analyse(expression, expressions, ctx);
    // A calculated table's DAX is recognised, not a problem: it has no M lineage.
    const problems = result.diagnostics.filter((d) => d.kind !== 'dax_expression').map(diagnostic);
    const diagnostics = problems.length > 0 ? problems : null;
    for (const u of result.upstreams) {
      yield {
        ...source,
        relation: 'source',
        targetType: targetTypes[u.kind],
        upstream: upstream(u),
        diagnostics,
      };
    }
    if (result.upstreams.length === 0 && diagnostics) {
      yield { ...source, relation: 'source', targetType: 'unresolved', diagnostics };
    }
  }
}

export async function* mEdges(ws: ScanWorkspace, ctx: MappingContext): AsyncIterable<EdgeParts> {
  if (!ctx.lineage.enabled) return;
  for (const dataset of list(ws.datasets)) {
    const sourceId = text(dataset.id);
    if (!sourceId) continue;
    const expressions = namedExpressions(dataset);
    for (const table of list(dataset.tables)) {
      const sourceTableName = text(table.name);
      if (sourceTableName === null) continue;
      const source: TableSource = {
        sourceType: 'table',
        sourceId,
        sourceName: text(dataset.name),
        sourceTableName,
      };
      yield* tableEdges(source, table, expressions, ctx);
    }
  }
}
