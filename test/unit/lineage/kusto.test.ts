import { diagnosticKinds, edgesOf, lineageOf } from './helpers.js';

const HELP = 'https://help.kusto.windows.net';
const EVENTHOUSE = 'https://trd-abc123xyz.z0.kusto.fabric.microsoft.com';

/** A KQL text as an M text literal: quotes doubled, line breaks as `#(lf)`. */
function mText(kql: string): string {
  return `"${kql.replace(/"/g, '""').replace(/\n/g, '#(lf)')}"`;
}

/** `AzureDataExplorer.Contents(cluster, "Samples", <kql>)` and its `kusto:` edges. */
async function kqlEdges(kql: string, cluster = HELP): Promise<string[]> {
  return edgesOf(
    `let Source = AzureDataExplorer.Contents("${cluster}", "Samples", ${mText(kql)}, [MaxRows=null]) in Source`,
  );
}

async function kqlDiagnostics(kql: string) {
  const { diagnostics } = await lineageOf(
    `let S = AzureDataExplorer.Contents("${HELP}", "Samples", ${mText(kql)}) in S`,
  );
  return diagnostics;
}

describe('Kusto / Azure Data Explorer / Fabric Eventhouse functions', () => {
  test('AzureDataExplorer.Contents(cluster, db, "StormEvents") names the table', async () => {
    const { upstreams, diagnostics } = await lineageOf(
      `let Source = AzureDataExplorer.Contents("${HELP}", "Samples", "StormEvents", [MaxRows=null, MaxSize=null, NoTruncate=null, AdditionalSetStatements=null]) in Source`,
    );
    expect(upstreams).toEqual([
      {
        platform: 'kusto',
        server: HELP,
        database: 'Samples',
        schema: null,
        table: 'StormEvents',
        qualifiedName: 'samples.stormevents',
        kind: 'table',
        via: 'AzureDataExplorer.Contents',
      },
    ]);
    expect(diagnostics).toEqual([]);
  });

  test('Kusto.Contents and AzureDataExplorer.KqlDatabase take the same arguments', async () => {
    const kusto = await lineageOf('Kusto.Contents("help", "Samples", "StormEvents", [])');
    expect(kusto.upstreams.map((u) => [u.platform, u.server, u.qualifiedName, u.via])).toEqual([
      ['kusto', 'help', 'samples.stormevents', 'Kusto.Contents'],
    ]);
    expect(await edgesOf(`AzureDataExplorer.KqlDatabase("${EVENTHOUSE}", "Telemetry", "Readings")`)).toEqual([
      'kusto:telemetry.readings',
    ]);
  });

  test('a table name with spaces, dots or dashes as the third argument is the table itself', async () => {
    const { upstreams } = await lineageOf(
      'AzureDataExplorer.Contents("help", "Samples", "Storm Events-2024")',
    );
    expect(upstreams.map((u) => [u.table, u.nativeQuery])).toEqual([['Storm Events-2024', undefined]]);
  });

  test('a KQL query as the third argument: its source table, flagged as read by a native query', async () => {
    const { upstreams } = await lineageOf(
      `AzureDataExplorer.Contents("${HELP}", "Samples", "StormEvents | where State == ""TEXAS"" | take 10")`,
    );
    expect(upstreams.map((u) => [u.qualifiedName, u.server, u.nativeQuery])).toEqual([
      ['samples.stormevents', HELP, true],
    ]);
  });

  test('AzureDataExplorer.Contents(cluster, db, null) navigated {[Name="T"]}[Data]', async () => {
    expect(
      await edgesOf(
        `let Source = AzureDataExplorer.Contents("${HELP}", "Samples", null, []), T = Source{[Name="StormEvents"]}[Data] in T`,
      ),
    ).toEqual(['kusto:samples.stormevents']);
  });

  test('AzureDataExplorer.Contents(cluster) navigated database then table', async () => {
    expect(
      await edgesOf(
        `let S = AzureDataExplorer.Contents("${HELP}"), D = S{[Name="Samples"]}[Data], T = D{[Name="StormEvents"]}[Data] in T`,
      ),
    ).toEqual(['kusto:samples.stormevents']);
  });

  test.each(['AzureDataExplorer.Databases', 'Kusto.Databases'])(
    '%s(cluster){[Name="db"]}[Data]{[Name="Table"]}[Data]',
    async (fn) => {
      const { upstreams } = await lineageOf(`let
        Source = ${fn}("${EVENTHOUSE}", [MaxRows=null]),
        Db = Source{[Name="Telemetry"]}[Data],
        Readings = Db{[Name="Readings"]}[Data],
        Filtered = Table.SelectRows(Readings, each [Value] > 0)
      in Filtered`);
      expect(upstreams.map((u) => [u.platform, u.server, u.database, u.table, u.via])).toEqual([
        ['kusto', EVENTHOUSE, 'Telemetry', 'Readings', fn],
      ]);
    },
  );

  test('a Databases source used without navigating to a table says so', async () => {
    expect(await diagnosticKinds(`Table.RowCount(AzureDataExplorer.Databases("${HELP}"))`)).toContain(
      'unresolved_navigation',
    );
  });

  test('Value.NativeQuery on a Kusto source runs KQL, not SQL', async () => {
    const { upstreams, diagnostics } = await lineageOf(
      `Value.NativeQuery(AzureDataExplorer.Contents("${HELP}", "Samples"), "StormEvents | summarize count() by State", null)`,
    );
    expect(upstreams.map((u) => [u.qualifiedName, u.via, u.nativeQuery])).toEqual([
      ['samples.stormevents', 'Value.NativeQuery', true],
    ]);
    expect(diagnostics).toEqual([]);
  });

  test('Value.NativeQuery on a SQL source is still SQL', async () => {
    expect(await edgesOf('Value.NativeQuery(Sql.Database("srv", "Db"), "select * from dbo.Orders")')).toEqual(
      ['sqlserver:db.dbo.orders'],
    );
  });

  test('a Fabric Eventhouse query URI is the server as written', async () => {
    const { upstreams } = await lineageOf(
      `AzureDataExplorer.Contents("${EVENTHOUSE}", "Telemetry", "Readings | where Ts > ago(1d)")`,
    );
    expect(upstreams.map((u) => [u.server, u.qualifiedName])).toEqual([[EVENTHOUSE, 'telemetry.readings']]);
  });

  test('parameters with values resolve; an unknown cluster leaves the server out', async () => {
    const expressions = [
      { name: 'Cluster', expression: `"${EVENTHOUSE}" meta [IsParameterQuery=true, Type="Text"]` },
      { name: 'Db', expression: '"Telemetry" meta [IsParameterQuery=true, Type="Text"]' },
    ];
    const known = await lineageOf('AzureDataExplorer.Contents(Cluster, Db, "Readings")', { expressions });
    expect(known.upstreams.map((u) => [u.server, u.qualifiedName])).toEqual([
      [EVENTHOUSE, 'telemetry.readings'],
    ]);

    const unknownCluster = await lineageOf('AzureDataExplorer.Contents(Cluster, "Telemetry", "Readings")');
    expect(unknownCluster.upstreams.map((u) => [u.server, u.qualifiedName])).toEqual([
      [null, 'telemetry.readings'],
    ]);
    expect(unknownCluster.diagnostics).toContainEqual(
      expect.objectContaining({ kind: 'unresolved_parameter', parameter: 'Cluster' }),
    );
  });

  test('an unknown database: the tables are partial names, with partial_name', async () => {
    const named = await lineageOf(`AzureDataExplorer.Contents("${HELP}", Db, "StormEvents")`);
    expect(named.upstreams.map((u) => [u.qualifiedName, u.database, u.partial])).toEqual([
      ['stormevents', null, true],
    ]);
    expect(named.diagnostics.map((d) => [d.kind, d.parameter])).toEqual([
      ['unresolved_reference', 'Db'],
      ['unresolved_parameter', 'Db'],
      ['partial_name', undefined],
    ]);

    const queried = await lineageOf(
      `let S = AzureDataExplorer.Contents("${HELP}", Db, "Readings | join (database('Geo').Sites) on SiteId") in S`,
    );
    expect(queried.upstreams.map((u) => [u.qualifiedName, u.partial])).toEqual([
      ['geo.sites', undefined],
      ['readings', true],
    ]);

    const navigated = await lineageOf(
      `let S = Kusto.Contents("${HELP}", Db), T = S{[Name="Readings"]}[Data] in T`,
    );
    expect(navigated.upstreams.map((u) => [u.qualifiedName, u.partial])).toEqual([['readings', true]]);
    expect(navigated.diagnostics.map((d) => d.kind)).toContain('partial_name');
  });

  test('KQL run without a database (Value.NativeQuery on a cluster) gives partial names', async () => {
    const { upstreams } = await lineageOf(
      `Value.NativeQuery(AzureDataExplorer.Databases("${HELP}"), "StormEvents | take 1")`,
    );
    expect(upstreams.map((u) => [u.qualifiedName, u.partial])).toEqual([['stormevents', true]]);
  });

  test('an unknown query gives no table and names the parameter', async () => {
    const noQuery = await lineageOf(`AzureDataExplorer.Contents("${HELP}", "Samples", KqlText)`);
    expect(noQuery.upstreams).toEqual([]);
    expect(noQuery.diagnostics).toContainEqual(
      expect.objectContaining({ kind: 'unresolved_parameter', parameter: 'KqlText' }),
    );
  });

  test('a query built at refresh time says so', async () => {
    const { upstreams, diagnostics } = await lineageOf(
      `AzureDataExplorer.Contents("${HELP}", "Samples", "StormEvents | where T > " & Text.From(DateTime.LocalNow()))`,
    );
    expect(upstreams).toEqual([]);
    expect(diagnostics.map((d) => d.kind)).toEqual(['unresolved_parameter']);
  });

  test('a query built from known parts resolves', async () => {
    expect(
      await edgesOf(
        `let Q = Text.Combine({"StormEvents", "| take 10"}, " ") in AzureDataExplorer.Contents("help", "Samples", Q)`,
      ),
    ).toEqual(['kusto:samples.stormevents']);
  });

  test('parseNativeQueries: false skips KQL queries but not plain table names', async () => {
    const options = { parseNativeQueries: false };
    const query = await lineageOf('AzureDataExplorer.Contents("help", "Samples", "StormEvents | take 1")', {
      options,
    });
    expect(query.upstreams).toEqual([]);
    expect(query.diagnostics.map((d) => d.kind)).toEqual(['native_query_skipped']);
    expect(
      await edgesOf('AzureDataExplorer.Contents("help", "Samples", "StormEvents")', { options }),
    ).toEqual(['kusto:samples.stormevents']);
  });
});

describe('KQL source tables', () => {
  test('quoted names', async () => {
    expect(await kqlEdges(`['Storm Events'] | take 1`)).toEqual(['kusto:samples.storm events']);
    expect(await kqlEdges(`["Daily-Load"] | count`)).toEqual(['kusto:samples.daily-load']);
  });

  test('database("db").T and cluster("c").database("db").T name another database or cluster', async () => {
    const { upstreams } = await lineageOf(
      `let S = AzureDataExplorer.Contents("${HELP}", "Samples", ${mText(
        `StormEvents | join kind=inner (database("Geo").States) on State | union cluster('${EVENTHOUSE}').database('Telemetry').['Raw Readings']`,
      )}) in S`,
    );
    expect(upstreams.map((u) => [u.server, u.database, u.table])).toEqual([
      [HELP, 'Geo', 'States'],
      [HELP, 'Samples', 'StormEvents'],
      [EVENTHOUSE, 'Telemetry', 'Raw Readings'],
    ]);
  });

  test('union of names and parenthesised expressions, with options', async () => {
    expect(
      await kqlEdges(
        'union kind=outer withsource=SourceTable T1, T2, (T3 | where x in (1, 2)), ((T4)) | summarize count() by a, b',
      ),
    ).toEqual(['kusto:samples.t1', 'kusto:samples.t2', 'kusto:samples.t3', 'kusto:samples.t4']);
  });

  test('the right sides of join and lookup', async () => {
    expect(
      await kqlEdges(
        'Facts\n| join kind=inner hint.strategy=broadcast (Dim1 | where Active) on Key\n| lookup kind=leftouter Dim2 on $left.K2 == $right.K2\n| join Dim3 on K3\n| union isfuzzy=true Extra',
      ),
    ).toEqual([
      'kusto:samples.dim1',
      'kusto:samples.dim2',
      'kusto:samples.dim3',
      'kusto:samples.extra',
      'kusto:samples.facts',
    ]);
  });

  test('let: a bound name is not a table; its tabular value contributes its own sources', async () => {
    expect(
      await kqlEdges(`let threshold = 10;
let start = ago(7d);
let recent = StormEvents | where StartTime > start;
let states = materialize(States | project State);
let n = toscalar(Counts | summarize max(N));
recent
| join (states) on State
| where Damage > threshold and Deaths < n`),
    ).toEqual(['kusto:samples.counts', 'kusto:samples.states', 'kusto:samples.stormevents']);
  });

  test('let functions and views: parameters are not tables, bodies are read', async () => {
    expect(
      await kqlEdges(`let top = (T:(x:long), k:int) { T | top k by x };
let v = view () { Archive | where y > 0 };
let f = (days:int) { Live | where ts > ago(days * 1d) };
top(f(3), 5) | union v`),
    ).toEqual(['kusto:samples.archive', 'kusto:samples.live']);
  });

  test('as names, in (subquery), materialize and toscalar anywhere', async () => {
    expect(
      await kqlEdges(`Sales
| as S
| join (S | summarize by Region) on Region
| where Product in (Catalog | where Active | project Product)
| where Store !in~ (ClosedStores)
| extend Limit = toscalar(Limits | summarize max(L))
| where Code in ('a', 'b')`),
    ).toEqual([
      'kusto:samples.catalog',
      'kusto:samples.closedstores',
      'kusto:samples.limits',
      'kusto:samples.sales',
    ]);
  });

  test('comments and strings with table-like words are not read', async () => {
    expect(
      await kqlEdges(`// Decoy | join Decoy1 on x
StormEvents // | union Decoy2
| where Message == "x | join Decoy3 on y" and Note != 'union Decoy4'
| where Path startswith @"C:\\union Decoy5\\" and Secret == h"Decoy6" and V == h@'Decoy7'
| extend Doc = \`\`\`
join Decoy8 on z
\`\`\`
| where Escaped == "a\\" | join Decoy9 on q"
| project State`),
    ).toEqual(['kusto:samples.stormevents']);
  });

  test('print, range and datatable read no table, and say nothing', async () => {
    expect(await kqlDiagnostics('print x = 1')).toEqual([]);
    expect(await kqlEdges('range x from 1 to 10 step 1 | union (datatable(a:int)[1, 2])')).toEqual([]);
  });

  test('a function call gives no invented table and an unsupported_function diagnostic naming it', async () => {
    const { upstreams, diagnostics } = await lineageOf(
      `let S = AzureDataExplorer.Contents("${HELP}", "Samples", "GetDailySales(datetime(2024-01-01)) | where Region == 'EU'") in S`,
    );
    expect(upstreams).toEqual([]);
    expect(diagnostics).toEqual([
      expect.objectContaining({ kind: 'unsupported_function', functionName: 'AzureDataExplorer.Contents' }),
    ]);
    expect(diagnostics[0]?.message).toMatch(/KQL query .* calls the function GetDailySales\(\)/);
  });

  test('a function read through a let is reported where the let is used as a table', async () => {
    const diagnostics = await kqlDiagnostics(
      'let start = ago(1d); let data = LoadData(start); data | take 10',
    );
    expect(diagnostics.map((d) => [d.kind, /LoadData/.test(d.message)])).toEqual([
      ['unsupported_function', true],
    ]);
  });

  test('scalar function calls in let statements are not reported', async () => {
    expect(
      await kqlDiagnostics('let start = ago(1d); let d = dynamic(["a"]); StormEvents | where t > start'),
    ).toEqual([]);
  });

  test('wildcards, search, find and management commands: a diagnostic, no invented table', async () => {
    for (const kql of ['union Logs_*', 'search "error"', 'find in (T1, T2) where x == 1', '.show tables']) {
      const { upstreams, diagnostics } = await lineageOf(
        `let S = Kusto.Contents("help", "Samples", ${mText(kql)}) in S`,
      );
      expect(upstreams).toEqual([]);
      expect(diagnostics.map((d) => d.kind)).toEqual(['unparsable_sql']);
      expect(diagnostics[0]?.message).toMatch(/KQL/);
    }
  });

  test('table("T") and external_table("T") name an entity', async () => {
    expect(await kqlEdges(`table("Stage") | union external_table('Lake')`)).toEqual([
      'kusto:samples.lake',
      'kusto:samples.stage',
    ]);
  });

  test('statements after set and declare', async () => {
    expect(
      await kqlEdges(
        'set notruncation;\ndeclare query_parameters(region:string = "EU");\nSales | where Region == region',
      ),
    ).toEqual(['kusto:samples.sales']);
  });
});

describe('pathological KQL ends with a bounded result', () => {
  // Jest's timeout is the bound: a super-linear scan of these texts would not finish.
  const slow = 20_000;

  test(
    'a 100,000-character union',
    async () => {
      const names = Array.from({ length: 16_000 }, (_, i) => `T${i}`);
      const kql = `union ${names.join(', ')}`;
      expect(kql.length).toBeGreaterThan(100_000);
      const edges = await kqlEdges(kql);
      expect(edges).toHaveLength(names.length);
      expect(edges).toContain('kusto:samples.t15999');
    },
    slow,
  );

  test(
    '100,000 open parentheses, an unterminated string and an unterminated verbatim name',
    async () => {
      for (const kql of [
        '('.repeat(100_000) + 'Deep',
        'T | where x == "' + 'a'.repeat(100_000),
        `T | join ([@'${'b'.repeat(100_000)}`,
      ]) {
        const { upstreams } = await lineageOf(
          `let S = Kusto.Contents("help", "Samples", ${mText(kql)}) in S`,
        );
        expect(upstreams.map((u) => u.table)).toEqual([kql.startsWith('(') ? 'Deep' : 'T']);
      }
    },
    slow,
  );

  test(
    '100,000 characters of lets, pipes and joins',
    async () => {
      const lets = Array.from({ length: 3_000 }, (_, i) => `let v${i} = S${i % 7} | join (v${i}) on k;`).join(
        '\n',
      );
      const kql = `${lets}\nv2999 | join kind=inner (Final) on k`;
      expect(kql.length).toBeGreaterThan(100_000);
      expect(await kqlEdges(kql)).toEqual([
        'kusto:samples.final',
        ...Array.from({ length: 7 }, (_, i) => `kusto:samples.s${i}`),
      ]);
    },
    slow,
  );

  test(
    'a KQL query longer than the query limit is not scanned, with limit_exceeded',
    async () => {
      const kql = `StormEvents | where x == "${'a'.repeat(300_000)}"`;
      const { upstreams, diagnostics } = await lineageOf(
        `let S = Kusto.Contents("help", "Samples", ${mText(kql)}) in S`,
      );
      expect(upstreams).toEqual([]);
      expect(diagnostics.map((d) => d.kind)).toEqual(['limit_exceeded']);
    },
    slow,
  );
});
