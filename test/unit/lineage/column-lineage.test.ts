/** Column lineage through Power Query steps and native SQL (MExpressionInput.columns). */
import { loadCorpus } from '../../../scripts/conformance-m.js';
import { extractMLineage, type ColumnLineage } from '../../../src/lineage/index.js';

const NAVIGATE = `Source = Sql.Database("sql-01", "EDW"),
    dbo_DimCustomer = Source{[Schema="dbo",Item="DimCustomer"]}[Data]`;

function summary(columns: readonly ColumnLineage[] | undefined): string[] {
  return (columns ?? []).map((c) => {
    const from = c.upstreams.map((u) => `${u.table.qualifiedName}.${u.column}`).join('+');
    return `${c.column} <- ${c.transformation}${c.opaque === true ? ' OPAQUE' : ''} ${from}`.trim();
  });
}

async function columnsOf(steps: string, columns: string[], extra = {}) {
  const result = await extractMLineage({
    expression: `let\n    ${NAVIGATE},\n    ${steps}\nin\n    Out`,
    columns,
    ...extra,
  });
  return { result, lines: summary(result.columns) };
}

describe('column lineage through Power Query steps', () => {
  test('navigation: every column is the same-named warehouse column', async () => {
    const { lines } = await columnsOf('Out = dbo_DimCustomer', ['CustomerKey', 'City']);
    expect(lines).toEqual([
      'CustomerKey <- identity edw.dbo.dimcustomer.CustomerKey',
      'City <- identity edw.dbo.dimcustomer.City',
    ]);
  });

  test('select, rename, duplicate, type change, add column, combine columns', async () => {
    const { lines, result } = await columnsOf(
      `Selected = Table.SelectColumns(dbo_DimCustomer, {"CustomerKey", "CustomerAlternateKey", "FirstName", "LastName", "YearlyIncome"}),
    Typed = Table.TransformColumnTypes(Selected, {{"YearlyIncome", type number}}),
    Renamed = Table.RenameColumns(Typed, {{"CustomerAlternateKey", "Customer ID"}}),
    Copied = Table.DuplicateColumn(Renamed, "CustomerKey", "Key Copy"),
    Added = Table.AddColumn(Copied, "Income Band", each if [YearlyIncome] > 100000 then "High" else "Low", type text),
    Out = Table.CombineColumns(Added, {"FirstName", "LastName"}, Combiner.CombineTextByDelimiter(" ", QuoteStyle.None), "Customer")`,
      ['CustomerKey', 'Customer ID', 'Key Copy', 'Income Band', 'Customer', 'FirstName'],
    );
    expect(lines).toEqual([
      'CustomerKey <- identity edw.dbo.dimcustomer.CustomerKey',
      'Customer ID <- renamed edw.dbo.dimcustomer.CustomerAlternateKey',
      'Key Copy <- identity edw.dbo.dimcustomer.CustomerKey',
      'Income Band <- derived edw.dbo.dimcustomer.YearlyIncome',
      'Customer <- derived edw.dbo.dimcustomer.FirstName+edw.dbo.dimcustomer.LastName',
      'FirstName <- identity OPAQUE',
    ]);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        kind: 'opaque_columns',
        message: expect.stringContaining('"FirstName"') as unknown,
      }),
    ]);
  });

  test('a removed column is gone; the others still pass through', async () => {
    const { lines } = await columnsOf('Out = Table.RemoveColumns(dbo_DimCustomer, {"Phone"})', [
      'Phone',
      'Email',
    ]);
    expect(lines).toEqual(['Phone <- identity OPAQUE', 'Email <- identity edw.dbo.dimcustomer.Email']);
  });

  test('join and expand: the joined table columns under their new names', async () => {
    const { lines } = await columnsOf(
      `Geo = Source{[Schema="dbo",Item="DimGeography"]}[Data],
    Joined = Table.NestedJoin(dbo_DimCustomer, {"GeographyKey"}, Geo, {"GeographyKey"}, "Geo", JoinKind.LeftOuter),
    Out = Table.ExpandTableColumn(Joined, "Geo", {"City", "CountryRegionCode"}, {"Geo City", "CountryRegionCode"})`,
      ['CustomerKey', 'Geo City', 'CountryRegionCode', 'Geo'],
    );
    expect(lines).toEqual([
      'CustomerKey <- identity edw.dbo.dimcustomer.CustomerKey',
      'Geo City <- renamed edw.dbo.dimgeography.City',
      'CountryRegionCode <- identity edw.dbo.dimgeography.CountryRegionCode',
      'Geo <- identity OPAQUE',
    ]);
  });

  test('group: keys keep their origin, aggregations are aggregated from the fields they read', async () => {
    const { lines } = await columnsOf(
      `Out = Table.Group(dbo_DimCustomer, {"City"}, {{"Customers", each Table.RowCount(_), Int64.Type}, {"Income", each List.Sum([YearlyIncome]), type number}})`,
      ['City', 'Customers', 'Income'],
    );
    expect(lines).toEqual([
      'City <- identity edw.dbo.dimcustomer.City',
      'Customers <- aggregated',
      'Income <- aggregated edw.dbo.dimcustomer.YearlyIncome',
    ]);
  });

  test('append: a column of Table.Combine comes from every table that has it', async () => {
    const { lines } = await columnsOf(
      `Archive = Source{[Schema="archive",Item="DimCustomer"]}[Data],
    Out = Table.Combine({dbo_DimCustomer, Archive})`,
      ['CustomerKey'],
    );
    expect(lines).toEqual([
      'CustomerKey <- identity edw.dbo.dimcustomer.CustomerKey+edw.archive.dimcustomer.CustomerKey',
    ]);
  });

  test.each([
    ['Table.Pivot(dbo_DimCustomer, {"A", "B"}, "Attribute", "Value")', 'Table.Pivot'],
    [
      'Table.UnpivotOtherColumns(dbo_DimCustomer, {"CustomerKey"}, "Attribute", "Value")',
      'Table.UnpivotOtherColumns',
    ],
    ['Table.PromoteHeaders(dbo_DimCustomer)', 'Table.PromoteHeaders'],
  ])(
    'an unsupported step (%s) makes the columns opaque with a diagnostic naming it, nothing invented',
    async (step, name) => {
      const { lines, result } = await columnsOf(`Out = ${step}`, ['CustomerKey']);
      expect(lines).toEqual(['CustomerKey <- identity OPAQUE']);
      expect(result.diagnostics.map((d) => d.message).join(' ')).toContain(name);
      expect(result.upstreams.map((u) => u.qualifiedName)).toEqual(['edw.dbo.dimcustomer']);
    },
  );

  test('another table of the model: its columns are that model table columns', async () => {
    const result = await extractMLineage({
      expression:
        'let Source = Customers, Out = Table.RenameColumns(Source, {{"Name", "Customer Name"}}) in Out',
      tables: [{ name: 'Customers', expression: `let ${NAVIGATE} in dbo_DimCustomer` }],
      columns: ['Customer Name'],
    });
    expect(result.columns).toEqual([
      {
        column: 'Customer Name',
        transformation: 'renamed',
        upstreams: [
          {
            table: expect.objectContaining({ kind: 'model_table', table: 'Customers' }) as unknown,
            column: 'Name',
          },
        ],
      },
    ]);
  });

  test('native SQL: the select list, aliases and expressions, then M steps on top', async () => {
    const result = await extractMLineage({
      expression: `let
    Source = Sql.Database("sql-01", "EDW", [Query="SELECT c.CustomerKey, c.FirstName + ' ' + c.LastName AS FullName, g.City AS CustomerCity FROM dbo.DimCustomer c JOIN dbo.DimGeography g ON g.GeographyKey = c.GeographyKey"]),
    Out = Table.RenameColumns(Source, {{"CustomerCity", "City"}})
in
    Out`,
      columns: ['CustomerKey', 'FullName', 'City'],
    });
    expect(summary(result.columns)).toEqual([
      'CustomerKey <- identity edw.dbo.dimcustomer.CustomerKey',
      'FullName <- derived edw.dbo.dimcustomer.FirstName+edw.dbo.dimcustomer.LastName',
      'City <- renamed edw.dbo.dimgeography.City',
    ]);
  });

  test('without columns in the input, no column lineage is computed', async () => {
    const result = await extractMLineage({ expression: `let ${NAVIGATE} in dbo_DimCustomer` });
    expect(result.columns).toBeUndefined();
  });
});

const corpus = loadCorpus();
const withCorpus = corpus === undefined ? describe.skip : describe;
// Without ../shared the run gives one notice for every skipped reference case (test/global-setup.ts).

withCorpus('the fine-grained (column) cases of the peer corpus', () => {
  const fineGrained = (corpus ?? []).filter(
    (c) => (c as { expected_fine_grained?: unknown }).expected_fine_grained !== undefined,
  ) as unknown as {
    id: string;
    expression: string;
    parameters?: Record<string, string>;
    shared_expressions?: { name: string; expression: string }[];
    expected_fine_grained: { downstreams: string[]; upstreams: string[] }[];
  }[];

  test('there are such cases', () => {
    expect(fineGrained.length).toBeGreaterThanOrEqual(3);
  });

  /** `urn:li:schemaField:(urn:li:dataset:(…,<table>,ENV),<column>)` -> `<table>.<column>`, lower-cased. */
  const fieldOf = (urn: string) => {
    const match = /,([^,]+),[A-Z]+\),([^)]+)\)$/.exec(urn);
    return match === null ? urn : `${match[1]}.${match[2]}`.toLowerCase();
  };

  test.each(fineGrained.map((c) => [c.id, c] as const))('%s', async (_id, testCase) => {
    const expected = new Map<string, Set<string>>();
    for (const edge of testCase.expected_fine_grained) {
      for (const downstream of edge.downstreams) {
        const column = fieldOf(downstream).split('.').at(-1) ?? '';
        const upstreams = expected.get(column) ?? new Set<string>();
        edge.upstreams.forEach((upstream) => upstreams.add(fieldOf(upstream)));
        expected.set(column, upstreams);
      }
    }
    const result = await extractMLineage({
      expression: testCase.expression,
      parameters: testCase.parameters ?? {},
      expressions: testCase.shared_expressions ?? [],
      columns: [...expected.keys()],
    });
    const found = new Map(
      (result.columns ?? []).map((c) => [
        c.column,
        new Set(c.upstreams.map((u) => `${u.table.qualifiedName}.${u.column}`.toLowerCase())),
      ]),
    );
    expect(found).toEqual(expected);
  });
});
