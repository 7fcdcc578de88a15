/**
 * Lineage core: Power Query M (and the native SQL inside it) -> upstream warehouse tables.
 * Pure: text in, references out. See docs/lineage.md; the folders and their layering: README.md here.
 */
export { extractMLineage } from './analysis/extract.js';
export { extractSqlTables } from './sql/native-sql.js';
export { explainLine } from './analysis/explain.js';
export { LineageCache, sharedLineageCache, type LineageCacheLimits } from './analysis/lineage-cache.js';
export { DEFAULT_ANALYSIS_LIMITS, type AnalysisLimits } from './limits.js';
export type {
  LineageDiagnostic,
  LineageDiagnosticKind,
  LineageOptions,
  MExpressionInput,
  MLineageResult,
  NamedExpression,
  DataSourceHint,
  ColumnLineage,
  ColumnOrigin,
  ColumnTransformation,
  OdbcDsnTarget,
  SqlTableName,
  SqlTablesResult,
  UpstreamKind,
  UpstreamReference,
} from './types.js';
export { inThreadAnalyser, type LineageAnalyser } from './runtime/analyser.js';
export {
  autoThreadCount,
  createLineageAnalyser,
  defaultWorkerScript,
  LineageWorkerPool,
  type WorkerPoolOptions,
} from './runtime/worker-pool.js';
export {
  daxReferences,
  type DaxHost,
  type DaxModel,
  type DaxReference,
  type DaxReferencesResult,
} from './dax/dax-references.js';
export {
  sqlColumnLineage,
  type SqlColumnLineageOptions,
  type SqlColumnsResult,
  type SqlColumnSource,
  type SqlColumnTransformation,
  type SqlOutputColumn,
} from './sql/sql-columns.js';
