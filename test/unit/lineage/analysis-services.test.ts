import { lineageOf } from './helpers.js';

const XMLA = 'powerbi://api.powerbi.com/v1.0/myorg/Sales%20Hub';
const AZURE = 'asazure://westeurope.asazure.windows.net/finance';

/** `[platform, server, qualifiedName, kind, via]` of each upstream. */
async function datasets(expression: string) {
  const { upstreams, diagnostics } = await lineageOf(expression);
  return {
    refs: upstreams.map((u) => [u.platform, u.server, u.qualifiedName, u.kind, u.via]),
    kinds: diagnostics.map((d) => d.kind),
  };
}

describe('AnalysisServices.Database / AnalysisServices.Databases', () => {
  test('an Azure Analysis Services database is an analysisservices dataset named server.database', async () => {
    expect(await datasets(`let S = AnalysisServices.Database("${AZURE}", "Ledger") in S`)).toEqual({
      refs: [['analysisservices', AZURE, `${AZURE}.ledger`, 'dataset', 'AnalysisServices.Database']],
      kinds: [],
    });
  });

  test('an on-premises server is analysisservices too', async () => {
    expect(
      await datasets('let S = AnalysisServices.Database("olap01\\TABULAR", "Adventure Works DW") in S'),
    ).toEqual({
      refs: [
        [
          'analysisservices',
          'olap01\\TABULAR',
          'olap01\\tabular.adventure works dw',
          'dataset',
          'AnalysisServices.Database',
        ],
      ],
      kinds: [],
    });
  });

  test('a powerbi:// XMLA endpoint is a powerbi dataset named workspace.dataset', async () => {
    const { upstreams } = await lineageOf(
      `let S = AnalysisServices.Database("${XMLA}", "Orders Model") in S`,
    );
    expect(upstreams).toEqual([
      {
        platform: 'powerbi',
        server: XMLA,
        database: 'Sales Hub',
        schema: null,
        table: 'Orders Model',
        qualifiedName: 'sales hub.orders model',
        kind: 'dataset',
        via: 'AnalysisServices.Database',
      },
    ]);
  });

  test('a stray % in the workspace name is kept as written (no failure)', async () => {
    expect(
      await datasets(
        'let S = AnalysisServices.Database("powerbi://api.powerbi.com/v1.0/myorg/100% Sales", "M") in S',
      ),
    ).toEqual({
      refs: [
        [
          'powerbi',
          'powerbi://api.powerbi.com/v1.0/myorg/100% Sales',
          '100% sales.m',
          'dataset',
          'AnalysisServices.Database',
        ],
      ],
      kinds: [],
    });
  });

  test.each([
    ['a DAX query', 'EVALUATE SUMMARIZECOLUMNS(#(lf)  \'Date\'[Year], ""Sales"", [Total Sales])'],
    ['an MDX query', 'SELECT [Measures].[Sales Amount] ON 0, [Date].[Year].MEMBERS ON 1 FROM [Model]'],
  ])(
    'with %s in [Query=...] the database stays the upstream and no table is invented',
    async (_what, query) => {
      for (const server of [AZURE, XMLA]) {
        const { refs, kinds } = await datasets(
          `let S = AnalysisServices.Database("${server}", "Ledger", [Query="${query}", Implementation="2.0"]) in S`,
        );
        expect(refs).toHaveLength(1);
        expect(refs[0]?.[3]).toBe('dataset');
        expect(refs[0]?.[2]).toMatch(/\.ledger$/);
        expect(kinds).toEqual([]);
      }
    },
  );

  test('AnalysisServices.Databases navigated to a database, then to the model and a cube', async () => {
    expect(
      await datasets(`let
        Source = AnalysisServices.Databases("${AZURE}", [TypedMeasureColumns=true, Implementation="2.0"]),
        Db = Source{[Name="Ledger"]}[Data],
        Model1 = Db{[Id="Model"]}[Data],
        Model2 = Model1{[Id="Model"]}[Data],
        Added = Cube.Transform(Model2, {{Cube.AddAndExpandDimensionColumn, "[Date]", {"[Date].[Year]"}, {"Date.Year"}}})
      in Added`),
    ).toEqual({
      refs: [['analysisservices', AZURE, `${AZURE}.ledger`, 'dataset', 'AnalysisServices.Databases']],
      kinds: [],
    });
  });

  test('AnalysisServices.Databases on a powerbi:// endpoint names the powerbi dataset', async () => {
    expect(
      await datasets(
        `let S = AnalysisServices.Databases("${XMLA}"), D = S{[Name="Orders Model"]}[Data] in D`,
      ),
    ).toEqual({
      refs: [['powerbi', XMLA, 'sales hub.orders model', 'dataset', 'AnalysisServices.Databases']],
      kinds: [],
    });
  });

  test('parameters for server and database resolve', async () => {
    const expressions = [
      { name: 'Server', expression: `"${AZURE}" meta [IsParameterQuery=true, Type="Text"]` },
      { name: 'Model', expression: '"Ledger" meta [IsParameterQuery=true, Type="Text"]' },
    ];
    const database = await lineageOf('let S = AnalysisServices.Database(Server, Model) in S', {
      expressions,
    });
    const databases = await lineageOf('let S = AnalysisServices.Databases(Server){[Name=Model]}[Data] in S', {
      expressions,
    });
    for (const result of [database, databases]) {
      expect(result.upstreams.map((u) => u.qualifiedName)).toEqual([`${AZURE}.ledger`]);
    }
  });

  test('an unknown server or database gives no dataset and names the parameter', async () => {
    for (const expression of [
      'let S = AnalysisServices.Database(Server, "Ledger") in S',
      `let S = AnalysisServices.Database("${AZURE}", Model) in S`,
      `let S = AnalysisServices.Databases("${AZURE}"), D = S{[Name=Model]}[Data] in D`,
    ]) {
      const { upstreams, diagnostics } = await lineageOf(expression);
      expect(upstreams).toEqual([]);
      expect(
        diagnostics.filter((d) => d.kind === 'unresolved_parameter').map((d) => d.parameter),
      ).toHaveLength(1);
    }
  });

  test('a database picked by a computed name or without Name says so', async () => {
    for (const expression of [
      `let S = AnalysisServices.Databases("${AZURE}"), D = S{[Name=Text.From(DateTime.LocalNow())]}[Data] in D`,
      `let S = AnalysisServices.Databases("${AZURE}"), D = S{[Id="Ledger"]}[Data] in D`,
    ]) {
      const { upstreams, diagnostics } = await lineageOf(expression);
      expect(upstreams).toEqual([]);
      expect(diagnostics.map((d) => d.kind)).toEqual(['unresolved_navigation']);
    }
  });
});
