/**
 * Ground truth of table lineage: what each generated M expression reads, recorded by the code
 * that writes the M (never by running the connector's lineage analysis). Test knowledge only: the
 * HTTP server never serves it.
 */
import type { TableColumnTruth } from './column-truth.js';

export type ExpectedKind = 'table' | 'file' | 'dataflow' | 'dataset' | 'model_table';

/** One upstream a table's M reads, named as docs/lineage.md names it. */
export interface ExpectedUpstream {
  platform: string;
  server: string | null;
  database: string | null;
  schema: string | null;
  table: string;
  /** Lower-cased, dot-joined: the parts the platform's names have. */
  qualifiedName: string;
  kind: ExpectedKind;
}

/** Diagnostics a correct analysis must report for the table. */
export type ExpectedDiagnostic = 'cyclic_reference' | 'unparsable_expression';

/** What one table's M source reads, as the generator wrote it. */
export interface TableTruth {
  table: string;
  /** The generator form that wrote the M (for summaries by category). */
  form: string;
  upstreams: ExpectedUpstream[];
  expectedDiagnostics?: ExpectedDiagnostic[];
  /**
   * Set when no exact answer exists (e.g. native SQL that no server would accept): the table is
   * left out of exact comparisons, and this says why.
   */
  unverifiable?: string;
  /** The `column_lineage` rows of the table, where the generator knows them exactly. */
  columns?: TableColumnTruth;
}

export interface TableLineageTruth extends TableTruth {
  workspaceId: string;
  datasetId: string;
}

interface NameParts {
  server?: string | null;
  database?: string | null;
  schema?: string | null;
  table: string;
}

/**
 * An upstream whose qualified name joins the parts given, so callers pass exactly the levels the
 * platform's names have (e.g. MySQL: database and table only).
 */
export function expected(platform: string, parts: NameParts, kind: ExpectedKind = 'table'): ExpectedUpstream {
  const levels = [parts.database, parts.schema, parts.table].filter(
    (part): part is string => part !== undefined && part !== null && part !== '',
  );
  return {
    platform,
    server: parts.server ?? null,
    database: parts.database ?? null,
    schema: parts.schema ?? null,
    table: parts.table,
    qualifiedName: levels.join('.').toLowerCase(),
    kind,
  };
}

/** A file read by location: its lower-cased URL or path is the name. */
export function expectedFile(location: string): ExpectedUpstream {
  let server: string | null = null;
  if (/^https?:\/\//i.test(location)) server = new URL(location).host;
  return expected('file', { server, table: location }, 'file');
}

/** Another table of the same dataset, named as the referencing M writes it. */
export function expectedModelTable(name: string): ExpectedUpstream {
  return expected('powerbi', { table: name }, 'model_table');
}

function identity(u: ExpectedUpstream): string {
  return [u.platform, (u.server ?? '').toLowerCase(), u.qualifiedName, u.kind].join('\u0000');
}

/** Upstreams without repeats (same platform, server, qualified name and kind), first kept. */
export function uniqueUpstreams(list: readonly ExpectedUpstream[]): ExpectedUpstream[] {
  const seen = new Set<string>();
  return list.filter((u) => {
    const key = identity(u);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** What a table reading other tables of its dataset expects: their sources, then the references. */
export function referencingTruth(
  table: string,
  form: string,
  referenced: readonly TableTruth[],
  namesAsWritten: readonly string[],
): TableTruth {
  const warehouse = referenced.flatMap((r) => r.upstreams.filter((u) => u.kind !== 'model_table'));
  return {
    table,
    form,
    upstreams: uniqueUpstreams([...warehouse, ...namesAsWritten.map(expectedModelTable)]),
  };
}
