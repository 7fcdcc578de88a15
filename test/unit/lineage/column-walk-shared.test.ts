/**
 * Tables with the same M but other model columns share one walk of it (the cache keeps the walk's
 * output columns, and each table's columns are looked up in them): every answer must equal the
 * one a fresh cache gives.
 */
import { extractMLineage, LineageCache, type MExpressionInput } from '../../../src/lineage/index.js';

const NAVIGATE = `Source = Sql.Database("sql-01", "EDW"),
    Customers = Source{[Schema="dbo",Item="DimCustomer"]}[Data]`;

function expression(steps: string): string {
  return `let\n    ${NAVIGATE},\n    ${steps}\nin\n    Out`;
}

const EXPRESSIONS = {
  'passthrough with a removed column': expression('Out = Table.RemoveColumns(Customers, {"Phone"})'),
  'renamed and derived columns': expression(
    `Renamed = Table.RenameColumns(Customers, {{"City", "Town"}}),
    Out = Table.AddColumn(Renamed, "Label", each [Town] & [Name])`,
  ),
  'a step whose columns are not followed': expression('Out = Table.Pivot(Customers, {"a"}, "k", "v")'),
  'select columns': expression('Out = Table.SelectColumns(Customers, {"Name", "City"})'),
  'native SQL': `Value.NativeQuery(Sql.Database("sql-01", "EDW"), "select c.Name as Customer, c.City from dbo.DimCustomer c")`,
  unparsable: 'let Out = in',
};

/** Column lists of different tables reading the same M: other names, other letter case, none known. */
const COLUMN_LISTS = [
  ['Name', 'City', 'Phone'],
  ['name', 'Town', 'Label', 'Missing'],
  ['Customer', 'CITY'],
  [],
];

describe('one walk per M text, whatever columns the tables have', () => {
  test.each(Object.entries(EXPRESSIONS))('%s', async (_label, text) => {
    const shared = new LineageCache();
    const inputs: MExpressionInput[] = COLUMN_LISTS.map((columns) => ({ expression: text, columns }));
    for (const input of [...inputs, ...inputs]) {
      const fromShared = await extractMLineage(input, shared);
      const fresh = await extractMLineage(input, new LineageCache());
      expect(fromShared).toEqual(fresh);
    }
  });

  test('a table without columns asked gets no column lineage, after and before tables with them', async () => {
    const shared = new LineageCache();
    const text = EXPRESSIONS['renamed and derived columns'];
    const without = await extractMLineage({ expression: text }, shared);
    await extractMLineage({ expression: text, columns: ['Town'] }, shared);
    expect(await extractMLineage({ expression: text }, shared)).toEqual(without);
    expect(without.columns).toBeUndefined();
    const withColumns = await extractMLineage({ expression: text, columns: ['Town', 'Label'] }, shared);
    expect(withColumns.columns?.map((c) => [c.column, c.transformation])).toEqual([
      ['Town', 'renamed'],
      ['Label', 'derived'],
    ]);
  });

  test('what a shared walk answers: removed, passed-through and case-folded columns', async () => {
    const shared = new LineageCache();
    const text = EXPRESSIONS['passthrough with a removed column'];
    await extractMLineage({ expression: text, columns: ['Name'] }, shared);
    const result = await extractMLineage({ expression: text, columns: ['name', 'Phone'] }, shared);
    expect(
      result.columns?.map((c) => [c.column, c.opaque ?? false, c.upstreams.map((u) => u.column)]),
    ).toEqual([
      ['name', false, ['name']],
      ['Phone', true, []],
    ]);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['opaque_columns']);
  });
});
