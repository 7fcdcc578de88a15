import { extractMLineage, LineageCache } from '../../../src/lineage/index.js';

describe('column lineage of a Kusto query that is a bare table name', () => {
  test('the table comes back as it is: each model column is the same-named column of that table', async () => {
    const expression =
      'let Source = AzureDataExplorer.Contents("https://help.kusto.windows.net", "Samples", "StormEvents", []) in Source';
    const result = await extractMLineage({ expression, columns: ['State', 'EventType'] }, new LineageCache());
    expect(result.upstreams.map((u) => u.qualifiedName)).toEqual(['samples.stormevents']);
    expect(
      result.columns?.map((c) => [c.column, c.transformation, c.upstreams.map((u) => u.column)]),
    ).toEqual([
      ['State', 'identity', ['State']],
      ['EventType', 'identity', ['EventType']],
    ]);
    expect(result.diagnostics.filter((d) => d.kind === 'opaque_columns')).toEqual([]);
  });

  test('a query that is more than a name is not guessed: its columns are opaque, with a diagnostic', async () => {
    const expression =
      'AzureDataExplorer.Contents("https://help.kusto.windows.net", "Samples", "StormEvents | project State", [])';
    const result = await extractMLineage({ expression, columns: ['State', 'EventType'] }, new LineageCache());
    expect(result.upstreams.map((u) => u.qualifiedName)).toEqual(['samples.stormevents']);
    expect(result.columns?.map((c) => [c.column, c.opaque, c.upstreams.length])).toEqual([
      ['State', true, 0],
      ['EventType', true, 0],
    ]);
    expect(result.diagnostics.map((d) => d.kind)).toContain('opaque_columns');
  });
});
