/**
 * The lineage and column_lineage streams against the simulator's ground truth, from one read of the
 * built CLI shared by every test (a 200-workspace read with M analysis is the expensive part):
 * - lineage: for every dataset table, the upstreams of its `source` edges must be exactly what the
 *   generator wrote the M to read, and the expected diagnostics must be there;
 * - column_lineage: for every table whose column lineage the generator recorded, the rows must be
 *   exactly the recorded ones (no missing, no extra); a column behind a step the analysis does not
 *   follow must be opaque, with a diagnostic naming it, and nothing invented.
 */
import {
  SIMULATED_ODBC_DSNS,
  startSimulator,
  type ColumnLineageTruth,
  type Simulator,
  type TableLineageTruth,
} from '../../simulator/index.js';
import {
  columnRecordKey,
  columnSummary,
  compareColumns,
  type ColumnMismatch,
  type ColumnRecord,
} from '../helpers/read-column-truth.js';
import { catalogFor, readOnce, type Message } from '../helpers/read-run.js';

/** Generator forms by the category of real-world models they stand for. */
const CATEGORIES: Readonly<Record<string, RegExp>> = {
  'generator forms (warehouses, native SQL, files, dataflows, composite)':
    /^(sqlserver|snowflake|bigquery|databricks|postgres|mysql|redshift|oracle|odbc|sharepoint-excel|local-file|dataflow|composite|entered-data|dax)/,
  'structured data sources (Analysis Services migrations)': /^as-structured-/,
  'references between tables of a dataset': /^model-reference$/,
  'reference cycles': /^model-cycle$/,
  'decidable conditions': /^condition$/,
  'Kusto / Azure Data Explorer / Eventhouse': /^kusto-/,
  'long step chains': /^long-chain$/,
};

interface EdgeRecord {
  relation: string;
  sourceId: string;
  sourceTableName?: string | null;
  upstream?: {
    platform: string | null;
    server: string | null;
    qualifiedName: string | null;
    kind: string | null;
  } | null;
  diagnostics?: { kind: string | null }[] | null;
}

interface Observed {
  upstreams: Set<string>;
  diagnostics: Set<string>;
}

interface Mismatch {
  form: string;
  table: string;
  missing: string[];
  extra: string[];
  missingDiagnostics: string[];
}

function tableKey(datasetId: string, table: string): string {
  return `${datasetId}\u0000${table}`;
}

function upstreamKey(u: {
  platform: string | null;
  server: string | null;
  qualifiedName: string | null;
  kind: string | null;
}): string {
  return `${u.platform ?? ''}|${(u.server ?? '').toLowerCase()}|${u.qualifiedName ?? ''}|${u.kind ?? ''}`;
}

function recordsOf<T>(messages: Message[], stream: string): T[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: T }).data);
}

/** Per dataset table: the upstreams of its `source` edges and the diagnostics they carry. */
function observedLineage(edges: EdgeRecord[]): Map<string, Observed> {
  const byTable = new Map<string, Observed>();
  for (const edge of edges) {
    if (edge.relation !== 'source' || !edge.sourceTableName) continue;
    const key = tableKey(edge.sourceId, edge.sourceTableName);
    const observed = byTable.get(key) ?? { upstreams: new Set<string>(), diagnostics: new Set<string>() };
    if (edge.upstream) observed.upstreams.add(upstreamKey(edge.upstream));
    for (const d of edge.diagnostics ?? []) if (d.kind) observed.diagnostics.add(d.kind);
    byTable.set(key, observed);
  }
  return byTable;
}

function compare(truth: TableLineageTruth, observed: Observed | undefined): Mismatch | undefined {
  const expected = new Set(truth.upstreams.map(upstreamKey));
  const actual = observed?.upstreams ?? new Set<string>();
  const diagnostics = observed?.diagnostics ?? new Set<string>();
  const mismatch: Mismatch = {
    form: truth.form,
    table: truth.table,
    missing: [...expected].filter((k) => !actual.has(k)),
    extra: [...actual].filter((k) => !expected.has(k)),
    missingDiagnostics: (truth.expectedDiagnostics ?? []).filter((d) => !diagnostics.has(d)),
  };
  const bad = mismatch.missing.length + mismatch.extra.length + mismatch.missingDiagnostics.length > 0;
  return bad ? mismatch : undefined;
}

function summary(category: string, checked: number, mismatches: Mismatch[]): string {
  const count = (pick: (m: Mismatch) => string[]): number =>
    mismatches.reduce((n, m) => n + pick(m).length, 0);
  const lines = [
    `${category}: ${mismatches.length} of ${checked} tables differ from the ground truth ` +
      `(${count((m) => m.missing)} missing edges, ${count((m) => m.extra)} extra edges, ` +
      `${count((m) => m.missingDiagnostics)} missing diagnostics)`,
  ];
  const byForm = new Map<string, number>();
  for (const m of mismatches) byForm.set(m.form, (byForm.get(m.form) ?? 0) + 1);
  lines.push(`  by form: ${[...byForm].map(([form, n]) => `${form} ${n}`).join(', ')}`);
  for (const m of mismatches.slice(0, Number(process.env.LINEAGE_TRUTH_EXAMPLES ?? 3))) {
    lines.push(`  e.g. ${m.form} "${m.table}":`);
    if (m.missing.length > 0) lines.push(`    missing ${m.missing.join(', ')}`);
    if (m.extra.length > 0) lines.push(`    extra ${m.extra.join(', ')}`);
    if (m.missingDiagnostics.length > 0) lines.push(`    no diagnostic ${m.missingDiagnostics.join(', ')}`);
  }
  return lines.join('\n');
}

let sim: Simulator;
let messages: Message[];

beforeAll(async () => {
  sim = await startSimulator({ seed: 42, workspaces: 200, scanDurationMs: 0 });
  const odbcDsnMap = Object.entries(SIMULATED_ODBC_DSNS).map(([dsn, target]) => ({ dsn, ...target }));
  const config = {
    ...sim.config,
    scan: { poll_interval_seconds: 0.05 },
    lineage: { odbc_dsn_map: odbcDsnMap },
  };
  const result = await readOnce(
    config,
    catalogFor('full_refresh', ['workspaces', 'tables', 'lineage', 'column_lineage']),
  );
  expect(result.code).toBe(0);
  messages = result.messages;
}, 300_000);
afterAll(async () => {
  await sim.close();
});

describe('lineage of every generated table against the ground truth, through the built CLI', () => {
  let truth: TableLineageTruth[];
  let observed: Map<string, Observed>;
  let scannedTables: Set<string>;

  beforeAll(() => {
    observed = observedLineage(recordsOf<EdgeRecord>(messages, 'lineage'));
    scannedTables = new Set(
      recordsOf<{ datasetId: string; name: string }>(messages, 'tables').map((t) =>
        tableKey(t.datasetId, t.name),
      ),
    );
    truth = sim.tenant.lineageTruth().filter((t) => scannedTables.has(tableKey(t.datasetId, t.table)));
  });

  test('every table with lineage edges has ground truth, and every generator form is in a category', () => {
    const known = new Set(sim.tenant.lineageTruth().map((t) => tableKey(t.datasetId, t.table)));
    const withoutTruth = [...observed.keys()].filter((key) => !known.has(key));
    expect(withoutTruth.map((key) => key.replace('\u0000', ' / '))).toEqual([]);
    const uncategorised = [...new Set(truth.map((t) => t.form))].filter(
      (form) => !Object.values(CATEGORIES).some((pattern) => pattern.test(form)),
    );
    expect(uncategorised).toEqual([]);
    expect(truth.length).toBeGreaterThan(500);
  });

  test.each(Object.keys(CATEGORIES))('%s: exactly the expected upstreams and diagnostics', (category) => {
    const pattern = CATEGORIES[category]!;
    const tables = truth.filter((t) => pattern.test(t.form) && t.unverifiable === undefined);
    expect(tables.length).toBeGreaterThan(0);
    const mismatches = tables
      .map((t) => compare(t, observed.get(tableKey(t.datasetId, t.table))))
      .filter((m): m is Mismatch => m !== undefined);
    expect(mismatches.length === 0 ? 'no mismatch' : summary(category, tables.length, mismatches)).toBe(
      'no mismatch',
    );
  });
});

describe('column lineage of every recorded table against the ground truth, through the built CLI', () => {
  let truth: ColumnLineageTruth[];
  let records: ColumnRecord[];
  const observed = new Map<string, Set<string>>();

  beforeAll(() => {
    records = recordsOf<ColumnRecord>(messages, 'column_lineage');
    for (const record of records) {
      const key = tableKey(record.datasetId, record.tableName);
      const rows = observed.get(key) ?? new Set<string>();
      rows.add(columnRecordKey(record));
      observed.set(key, rows);
    }
    const scanned = new Set(recordsOf<{ id: string }>(messages, 'workspaces').map((w) => w.id));
    truth = sim.tenant.columnLineageTruth().filter((t) => scanned.has(t.workspaceId));
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
      .map((t) => compareColumns(t, observed.get(tableKey(t.datasetId, t.table)) ?? new Set()))
      .filter((m): m is ColumnMismatch => m !== undefined);
    expect(mismatches.length === 0 ? 'no mismatch' : columnSummary(verifiable.length, mismatches)).toBe(
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
