/**
 * Comparing column_lineage records with the simulator's column ground truth (used by
 * test/e2e/lineage-truth.test.ts): the row identity, the per-table comparison and a readable summary.
 */
import { columnRowKey, type ColumnLineageTruth, type ExpectedColumnRow } from '../../simulator/index.js';

export interface ColumnRecord extends ExpectedColumnRow {
  workspaceId: string;
  datasetId: string;
  tableName: string;
  upstream: (ExpectedColumnRow['upstream'] & { server: string | null }) | null;
  diagnostics?: { kind: string; message: string }[] | null;
}

export interface ColumnMismatch {
  form: string;
  table: string;
  missing: string[];
  extra: string[];
}

/** Parts of a row key that say what went wrong, for the summary. */
const COLUMN_CATEGORIES: readonly [string, (key: string) => boolean][] = [
  ['opaque columns', (key) => key.endsWith(',true]')],
  ['measures', (key) => key.includes('"measure"')],
  ['calculated columns', (key) => key.includes('"calculated_column"')],
  ['model columns read by M', (key) => key.includes('"column","model_column"')],
  ['warehouse columns', (key) => key.includes('"warehouse_column"')],
];

function columnCategoryOf(key: string): string {
  return COLUMN_CATEGORIES.find(([, test]) => test(key))?.[0] ?? 'other';
}

export function columnRecordKey(record: ColumnRecord): string {
  const up = record.upstream;
  return columnRowKey(record.datasetId, record.tableName, {
    name: record.name,
    downstreamKind: record.downstreamKind,
    upstreamKind: record.upstreamKind,
    upstream:
      up === null
        ? null
        : {
            platform: up.platform,
            server: up.server,
            qualifiedName: up.qualifiedName,
            column: up.column,
          },
    transformation: record.transformation,
    opaque: record.opaque,
  });
}

export function compareColumns(
  truth: ColumnLineageTruth,
  observed: ReadonlySet<string>,
): ColumnMismatch | undefined {
  const expected = new Set(truth.rows.map((row) => columnRowKey(truth.datasetId, truth.table, row)));
  const missing = [...expected].filter((key) => !observed.has(key));
  const extra = [...observed].filter((key) => !expected.has(key));
  return missing.length + extra.length > 0
    ? { form: truth.form, table: truth.table, missing, extra }
    : undefined;
}

export function columnSummary(checked: number, mismatches: ColumnMismatch[]): string {
  const lines = [`${mismatches.length} of ${checked} tables differ from the column ground truth`];
  const counts = new Map<string, number>();
  for (const m of mismatches)
    for (const [side, keys] of [
      ['missing', m.missing],
      ['extra', m.extra],
    ] as const)
      for (const key of keys) {
        const label = `${side} ${columnCategoryOf(key)} (${m.form})`;
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
  for (const [label, n] of counts) lines.push(`  ${label}: ${n}`);
  for (const m of mismatches.slice(0, Number(process.env.LINEAGE_TRUTH_EXAMPLES ?? 3))) {
    lines.push(`  e.g. ${m.form} "${m.table}":`);
    m.missing.forEach((key) => lines.push(`    missing ${key}`));
    m.extra.forEach((key) => lines.push(`    extra   ${key}`));
  }
  return lines.join('\n');
}
