/**
 * Lineage core: Power Query M (and the native SQL inside it) -> upstream warehouse tables.
 * Pure: text in, references out. See docs/lineage.md.
 */
export { extractMLineage } from './extract.js';
export { extractSqlTables } from './native-sql.js';
export { explainLine } from './explain.js';
export { LineageCache, sharedLineageCache, type LineageCacheLimits } from './lineage-cache.js';
export { DEFAULT_ANALYSIS_LIMITS, type AnalysisLimits } from './limits.js';
export type {
  LineageDiagnostic,
  LineageDiagnosticKind,
  LineageOptions,
  MExpressionInput,
  MLineageResult,
  NamedExpression,
  OdbcDsnTarget,
  SqlTableName,
  SqlTablesResult,
  UpstreamKind,
  UpstreamReference,
} from './types.js';
export { inThreadAnalyser, type LineageAnalyser } from './analyser.js';
export {
  autoThreadCount,
  createLineageAnalyser,
  defaultWorkerScript,
  LineageWorkerPool,
  type WorkerPoolOptions,
} from './worker-pool.js';
