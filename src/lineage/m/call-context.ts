/** What a data-access function handler receives and may do. */
import type { AnalysisLimits, Deadline } from '../limits.js';
import type { SqlTablePaths } from '../sql/native-sql.js';
import type { SqlColumnsResult } from '../sql/sql-columns.js';
import type { LineageDiagnostic, LineageOptions } from '../types.js';
import type { MValue, Refs } from './values.js';

export interface CallContext {
  /** The M function name as written, e.g. `Sql.Database`. */
  readonly name: string;
  readonly args: readonly MValue[];
  readonly options: LineageOptions;
  report(diagnostic: LineageDiagnostic): void;
  /** All upstream references a value was derived from (lists, records, function bodies included). */
  refsOf(value: MValue): Refs;
  /**
   * The text of argument `index`, or undefined. When the argument depends on a parameter that
   * could not be resolved, an `unresolved_parameter` diagnostic names it.
   */
  text(index: number, role: string): string | undefined;
  /** Like `text` for an already evaluated value (e.g. an option record field). */
  textOfValue(value: MValue | undefined, role: string): string | undefined;
  /** Tables a native query reads, parsed in the platform's SQL dialect (cached per run). */
  sqlTablePaths(sql: string, platform: string): SqlTablePaths;
  /** The output columns of a native query and what they read (cached per run like sqlTablePaths). */
  sqlColumns(sql: string, platform: string): SqlColumnsResult;
  /** Bounds of the analysis (e.g. the longest text a function may build). */
  readonly limits: Readonly<AnalysisLimits>;
  /** Column lineage is followed: tables a handler returns should say their columns. */
  readonly trackColumns: boolean;
  /** The time budget of the analysis, for work a handler does itself (e.g. SQL column lineage). */
  readonly deadline: Deadline;
}

export type FunctionHandler = (call: CallContext) => MValue;

export type FunctionTable = Readonly<Record<string, FunctionHandler>>;
