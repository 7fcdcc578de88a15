import { columnTruthOf, type ColumnLineageTruth } from '../../simulator/tenant/column-truth.js';
import { Tenant } from '../../simulator/tenant/tenant.js';
import type { ScanDataset, ScanTable } from '../../simulator/tenant/types.js';

const options = (seed: number, workspaces: number) => ({
  seed,
  workspaces,
  startMs: Date.parse('2026-11-28T09:00:00Z'),
  emailDomain: 'contoso.com',
  scannerApp: { clientId: '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90', displayName: 'Scanner' },
});

const tenant = new Tenant(options(7, 300));
const built = tenant.listWorkspaces().map((_, index) => tenant.build(index));
const datasets = new Map<string, ScanDataset>(
  built.flatMap((b) => b.workspace.datasets.map((d) => [d.id, d] as const)),
);
const truth = tenant.columnLineageTruth();
const verifiable = truth.filter((t) => t.unverifiable === undefined);

function tableOf(t: ColumnLineageTruth): ScanTable {
  const table = datasets.get(t.datasetId)?.tables?.find((x) => x.name === t.table);
  if (table === undefined) throw new Error(`no table ${t.table} in ${t.datasetId}`);
  return table;
}

/** The text the generator wrote for a table: its M (with any native SQL) and its DAX. */
function textOf(table: ScanTable): string {
  return [
    ...(table.source ?? []).map((s) => s.expression),
    ...table.columns.map((c) => c.expression ?? ''),
    ...(table.measures ?? []).map((m) => m.expression ?? ''),
  ]
    .join('\n')
    .toLowerCase();
}

test('every table with lineage truth has a column truth entry, exact or saying why not', () => {
  expect(truth.map((t) => `${t.datasetId}/${t.table}`)).toEqual(
    tenant.lineageTruth().map((t) => `${t.datasetId}/${t.table}`),
  );
  for (const t of truth.filter((x) => x.unverifiable !== undefined)) expect(t.unverifiable).toMatch(/\w/);
  expect(verifiable.length).toBeGreaterThan(50);
});

test('every generator form records its column truth; a table left out says precisely why', () => {
  const modelled = [...datasets.values()].filter((d) => (d.tables ?? []).length > 0);
  const exact = new Set(verifiable.map((t) => t.datasetId));
  expect(exact.size / modelled.length).toBeGreaterThan(0.8);
  // Rows are recorded for every form, even where a read needs a setting to give them (ODBC DSNs).
  const forms = new Set(truth.map((t) => t.form));
  for (const form of forms)
    expect([form, truth.some((t) => t.form === form && t.rows.length > 0)]).toEqual([form, true]);
  const reasons = new Set(truth.flatMap((t) => t.unverifiable ?? []));
  for (const reason of reasons) expect(reason).not.toMatch(/form is not recorded/);
});

test('each row names a column or measure of its table, read from what the M, SQL or DAX text says', () => {
  const problems: string[] = [];
  for (const t of verifiable) {
    const table = tableOf(t);
    const text = textOf(table);
    const dataset = datasets.get(t.datasetId);
    for (const row of t.rows) {
      const where = `${t.form} ${t.table}.${row.name}`;
      const own =
        row.downstreamKind === 'measure'
          ? (table.measures ?? []).find((m) => m.name === row.name)
          : table.columns.find(
              (c) =>
                c.name === row.name && (c.columnType === 'Calculated') === (row.downstreamKind !== 'column'),
            );
      if (own === undefined) problems.push(`${where}: no such ${row.downstreamKind}`);
      if (row.opaque !== (row.upstream === null)) problems.push(`${where}: opaque rows have no upstream`);
      const up = row.upstream;
      if (up === null) continue;
      if (up.qualifiedName !== up.qualifiedName.toLowerCase())
        problems.push(`${where}: name not lower-cased`);
      if (up.platform === 'powerbi') {
        const other = dataset?.tables?.find((x) => x.name.toLowerCase() === up.qualifiedName);
        const has =
          row.upstreamKind === 'measure'
            ? other?.measures?.some((m) => m.name === up.column)
            : other?.columns.some((c) => c.name === up.column);
        // DAX naming what the model lacks is kept as written (docs/lineage.md): the text must say it.
        const asWritten =
          row.downstreamKind !== 'column' &&
          text.includes(`'${up.qualifiedName}'[${up.column.toLowerCase()}]`);
        if (has !== true && !asWritten)
          problems.push(`${where}: ${up.qualifiedName} has no ${row.upstreamKind} ${up.column}`);
      } else if (
        !text.includes(up.column.toLowerCase()) &&
        // A column passed through untouched keeps its warehouse name.
        !(row.transformation === 'identity' && up.column.toLowerCase() === row.name.toLowerCase())
      ) {
        problems.push(`${where}: ${up.column} is not in the M or SQL`);
      }
    }
  }
  expect(problems.slice(0, 10)).toEqual([]);
});

test('a table whose columns change after it was generated is no longer exact', () => {
  const t = verifiable[0]!;
  const lineage = tenant.lineageTruth().find((x) => x.datasetId === t.datasetId && x.table === t.table)!;
  const dataset = structuredClone(datasets.get(t.datasetId)!);
  expect(columnTruthOf(lineage, [dataset]).unverifiable).toBeUndefined();
  dataset.tables
    ?.find((x) => x.name === t.table)
    ?.columns.push({
      name: 'Added Column 1',
      dataType: 'String',
      isHidden: false,
      columnType: 'Data',
    });
  expect(columnTruthOf(lineage, [dataset]).unverifiable).toMatch(/changed/);
});

test('same seed, same column truth; another seed, another', () => {
  expect(JSON.stringify(new Tenant(options(7, 300)).columnLineageTruth())).toBe(JSON.stringify(truth));
  expect(JSON.stringify(new Tenant(options(8, 300)).columnLineageTruth())).not.toBe(JSON.stringify(truth));
});
