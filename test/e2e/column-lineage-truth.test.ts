/**
 * The column_lineage stream against the simulator's ground truth: for every table whose column
 * lineage the generator recorded, the rows of one read through the built CLI must be exactly the
 * recorded ones (no missing, no extra); a column behind a step the analysis does not follow must
 * be opaque, with a diagnostic naming it, and nothing invented.
 */
import {
  columnRowKey,
  startSimulator,
  type ColumnLineageTruth,
  type ExpectedColumnRow,
  type Simulator,
} from '../../simulator/index.js';
import { catalogFor, readOnce, type Message } from '../helpers/read-run.js';

interface ColumnRecord extends ExpectedColumnRow {
  workspaceId: string;
  datasetId: string;
  tableName: string;
  upstream: (ExpectedColumnRow['upstream'] & { server: string | null }) | null;
  diagnostics?: { kind: string; message: string }[] | null;
}

interface Mismatch {
  form: string;
  table: string;
  missing: string[];
  extra: string[];
}

/** Parts of a row key that say what went wrong, for the summary. */
const CATEGORIES: readonly [string, (key: string) => boolean][] = [
  ['opaque columns', (key) => key.endsWith(',true]')],
  ['measures', (key) => key.includes('"measure"')],
  ['calculated columns', (key) => key.includes('"calculated_column"')],
  ['model columns read by M', (key) => key.includes('"column","model_column"')],
  ['warehouse columns', (key) => key.includes('"warehouse_column"')],
];

function categoryOf(key: string): string {
  return CATEGORIES.find(([, test]) => test(key))?.[0] ?? 'other';
}

function tableKey(datasetId: string, table: string): string {
  return `${datasetId}\u0000${table}`;
}

function recordsOf<T>(messages: Message[], stream: string): T[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: T }).data);
}

function rowKey(record: ColumnRecord): string {
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

function compare(truth: ColumnLineageTruth, observed: ReadonlySet<string>): Mismatch | undefined {
  const expected = new Set(truth.rows.map((row) => columnRowKey(truth.datasetId, truth.table, row)));
  const missing = [...expected].filter((key) => !observed.has(key));
  const extra = [...observed].filter((key) => !expected.has(key));
  return missing.length + extra.length > 0
    ? { form: truth.form, table: truth.table, missing, extra }
    : undefined;
}

function summary(checked: number, mismatches: Mismatch[]): string {
  const lines = [`${mismatches.length} of ${checked} tables differ from the column ground truth`];
  const counts = new Map<string, number>();
  for (const m of mismatches)
    for (const [side, keys] of [
      ['missing', m.missing],
      ['extra', m.extra],
    ] as const)
      for (const key of keys) {
        const label = `${side} ${categoryOf(key)} (${m.form})`;
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

describe('column lineage of every recorded table against the ground truth, through the built CLI', () => {
  let sim: Simulator;
  let truth: ColumnLineageTruth[];
  let records: ColumnRecord[];
  const observed = new Map<string, Set<string>>();

  beforeAll(async () => {
    sim = await startSimulator({ seed: 42, workspaces: 200, scanDurationMs: 0 });
    const config = { ...sim.config, scan: { poll_interval_seconds: 0.05 } };
    const result = await readOnce(config, catalogFor('full_refresh', ['workspaces', 'column_lineage']));
    expect(result.code).toBe(0);
    records = recordsOf<ColumnRecord>(result.messages, 'column_lineage');
    for (const record of records) {
      const key = tableKey(record.datasetId, record.tableName);
      const rows = observed.get(key) ?? new Set<string>();
      rows.add(rowKey(record));
      observed.set(key, rows);
    }
    const scanned = new Set(recordsOf<{ id: string }>(result.messages, 'workspaces').map((w) => w.id));
    truth = sim.tenant.columnLineageTruth().filter((t) => scanned.has(t.workspaceId));
  }, 300_000);
  afterAll(async () => {
    await sim.close();
  });

  test('the recorded tables cover every part of column lineage', () => {
    const verifiable = truth.filter((t) => t.unverifiable === undefined);
    expect(verifiable.length).toBeGreaterThan(50);
    const rows = verifiable.flatMap((t) => t.rows);
    const seen = new Set(
      rows.map((row) => `${row.downstreamKind}/${row.upstreamKind}/${row.transformation}`),
    );
    for (const kind of [
      'column/warehouse_column/identity',
      'column/warehouse_column/renamed',
      'column/warehouse_column/derived',
      'column/warehouse_column/aggregated',
      'column/model_column/renamed',
      'column/model_column/aggregated',
      'column/none/identity',
      'calculated_column/model_column/derived',
      'measure/model_column/derived',
      'measure/measure/derived',
    ])
      expect([...seen]).toContain(kind);
  });

  test('every recorded table gives exactly its rows: nothing missing, nothing extra', () => {
    const verifiable = truth.filter((t) => t.unverifiable === undefined);
    const mismatches = verifiable
      .map((t) => compare(t, observed.get(tableKey(t.datasetId, t.table)) ?? new Set()))
      .filter((m): m is Mismatch => m !== undefined);
    expect(mismatches.length === 0 ? 'no mismatch' : summary(verifiable.length, mismatches)).toBe(
      'no mismatch',
    );
  });

  test('a column behind an unsupported step is opaque, with a diagnostic naming it and the step', () => {
    const unsupported = truth.filter((t) => t.form === 'sqlserver-columns-unsupported' && !t.unverifiable);
    expect(unsupported.length).toBeGreaterThan(0);
    const keys = new Set(unsupported.map((t) => tableKey(t.datasetId, t.table)));
    const rows = records.filter((r) => keys.has(tableKey(r.datasetId, r.tableName)));
    expect(rows.length).toBe(unsupported.reduce((n, t) => n + t.rows.length, 0));
    const problems = rows.flatMap((row) => {
      const named = (row.diagnostics ?? []).some(
        (d) =>
          d.kind === 'opaque_columns' &&
          d.message.includes(`"${row.name}"`) &&
          d.message.includes('Table.UnpivotOtherColumns'),
      );
      const ok = row.opaque && row.upstreamKind === 'none' && row.upstream === null && named;
      return ok ? [] : [`${row.tableName}.${row.name}: ${JSON.stringify(row)}`];
    });
    expect(problems).toEqual([]);
  });
});
