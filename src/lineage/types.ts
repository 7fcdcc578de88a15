/** Public data shapes of the lineage core. Pure data: no functions, no classes. */

export interface OdbcDsnTarget {
  /** Our platform name (sqlserver, snowflake, mysql, ...). */
  platform: string;
  /** Default database for unqualified names read through this DSN. */
  database?: string;
  /** Default schema for unqualified names read through this DSN. */
  schema?: string;
}

export interface LineageOptions {
  /** ODBC DSN name (case-insensitive) -> platform and default database/schema. Also a connector config option. */
  odbcDsnMap?: Record<string, OdbcDsnTarget>;
  /** Parse SQL passed to Value.NativeQuery, `Query=` options and Odbc.Query. Default true. */
  parseNativeQueries?: boolean;
}

/** `model_table`: another table of the same dataset (a reference between queries of one model). */
export type UpstreamKind = 'table' | 'file' | 'dataflow' | 'dataset' | 'model_table';

export interface UpstreamReference {
  platform: string;
  server?: string | null;
  database?: string | null;
  schema?: string | null;
  table: string;
  /** Lower-cased, dot-joined name; which parts it has depends on the platform (see docs/lineage.md). */
  qualifiedName: string;
  kind: UpstreamKind;
  /** The M data-access function the reference was found through. */
  via?: string;
  /** True when the table was read from a native SQL query. */
  nativeQuery?: boolean;
  /** True when a part of the name (server, database, schema) is unknown: what is known is given. */
  partial?: boolean;
  /** True when the reference comes from one branch of a condition that could not be decided. */
  alternative?: boolean;
}

export type LineageDiagnosticKind =
  | 'unparsable_expression'
  | 'repaired_syntax'
  | 'dax_expression'
  | 'unsupported_function'
  | 'unresolved_parameter'
  | 'unresolved_reference'
  | 'unresolved_navigation'
  | 'unparsable_sql'
  | 'stored_procedure'
  | 'native_query_skipped'
  | 'unknown_platform'
  | 'cyclic_reference'
  | 'limit_exceeded'
  | 'analysis_failed'
  | 'sql_token_scan'
  | 'partial_name'
  | 'undecidable_condition'
  | 'inferred_data_source'
  | 'opaque_columns';

export interface LineageDiagnostic {
  kind: LineageDiagnosticKind;
  message: string;
  functionName?: string;
  parameter?: string;
}

export interface NamedExpression {
  name: string;
  expression: string;
}

/**
 * One datasource the dataset uses, as the scan gives it (`datasourceUsages` -> `datasourceInstances`):
 * resolves structured data source references (`#"SQL/server;db"`) whose names do not say it all.
 */
export interface DataSourceHint {
  /** The scan's `datasourceType`, e.g. `Sql`, `Oracle`, `PostgreSql`, `Snowflake`, `AnalysisServices`. */
  type: string;
  server?: string;
  database?: string;
  url?: string;
  path?: string;
}

export interface MExpressionInput {
  /** The table's M source expression (or DAX for a calculated table). */
  expression: string;
  /** The dataset's `expressions`: shared queries (loaded or not) and parameters (`meta [IsParameterQuery=true]`). */
  expressions?: NamedExpression[];
  /** Parameter name -> value; overrides the value found in `expressions`. */
  parameters?: Record<string, string>;
  /**
   * The other tables of the dataset, each with its M source: a reference to one (`Source = Sales`)
   * resolves through its M and adds a `model_table` reference. `expressions` win on a name clash.
   */
  tables?: NamedExpression[];
  /** The name of the table whose expression this is (a reference back to it is a cycle). */
  tableName?: string;
  /** The dataset's datasources from the scan, for structured data source names that need them. */
  dataSources?: DataSourceHint[];
  /** The model table's columns (its M output columns): asks for their column lineage. */
  columns?: string[];
  options?: LineageOptions;
}

/** How an output column is made from its upstream columns. */
export type ColumnTransformation = 'identity' | 'renamed' | 'derived' | 'aggregated';

/** A column of an upstream table (a warehouse table, or with kind model_table another table of the model). */
export interface ColumnOrigin {
  table: UpstreamReference;
  column: string;
}

export interface ColumnLineage {
  /** The column of the table expression's output (a column of the model table). */
  column: string;
  upstreams: ColumnOrigin[];
  transformation: ColumnTransformation;
  /** True when the column's origin could not be followed (see the opaque_columns diagnostic). */
  opaque?: boolean;
}

export interface MLineageResult {
  upstreams: UpstreamReference[];
  diagnostics: LineageDiagnostic[];
  /** With `columns` in the input: the lineage of each of those columns, in their order. */
  columns?: ColumnLineage[];
}

export interface SqlTableName {
  database?: string;
  schema?: string;
  table: string;
}

export interface SqlTablesResult {
  tables: SqlTableName[];
  diagnostics: LineageDiagnostic[];
}
