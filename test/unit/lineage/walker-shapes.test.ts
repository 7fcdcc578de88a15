import { diagnosticKinds, edgesOf, lineageOf } from './helpers.js';

const SQL = 'Sql.Database("srv", "db")';

describe('expression shapes the walker follows', () => {
  test('let a = ...{[Item="A"]}, unused = ...{[Item="B"]} in a  (an unused step contributes nothing)', async () => {
    expect(
      await edgesOf(
        `let S = ${SQL}, a = S{[Schema="dbo",Item="A"]}[Data], unused = S{[Schema="dbo",Item="B"]}[Data] in a`,
      ),
    ).toEqual(['sqlserver:db.dbo.a']);
  });

  test('let outer = let inner = ...{[Item="N"]}[Data] in inner in outer  (nested let)', async () => {
    expect(
      await edgesOf(`let outer = let S = ${SQL}, inner = S{[Schema="x",Item="N"]}[Data] in inner in outer`),
    ).toEqual(['sqlserver:db.x.n']);
  });

  const ENV_SWITCH = `let
        Source = if Env = "prod" then Sql.Database("p", "prod") else Sql.Database("d", "dev"),
        T = Source{[Schema="dbo",Item="T"]}[Data]
      in T`;

  test('if Env = "prod" then ... else ...  with Env known: only the branch taken', async () => {
    expect(await edgesOf(ENV_SWITCH, { parameters: { Env: 'prod' } })).toEqual(['sqlserver:prod.dbo.t']);
    expect(await edgesOf(ENV_SWITCH, { parameters: { Env: 'test' } })).toEqual(['sqlserver:dev.dbo.t']);
  });

  test('if Env = "prod" then ... else ...  with Env unknown: both branches, each an alternative', async () => {
    const result = await lineageOf(ENV_SWITCH);
    expect(result.upstreams.map((u) => [u.qualifiedName, u.alternative])).toEqual([
      ['dev.dbo.t', true],
      ['prod.dbo.t', true],
    ]);
    expect(result.diagnostics).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'undecidable_condition', parameter: 'Env' })]),
    );
  });

  test.each([
    ['not (Env <> "prod")', 'prod'],
    ['Env = "prod" and Region = "eu"', 'prod'],
    ['Env = "dev" or Region = "eu"', 'prod'],
    ['Env = "dev" and Unknown = "x"', 'dev'],
    ['Env = "prod" or Unknown = "x"', 'prod'],
    ['Flag', 'prod'],
    ['Missing = null', 'dev'],
  ])('condition %s decided from known values -> %s', async (condition, expected) => {
    const result = await lineageOf(
      `let Source = if ${condition} then Sql.Database("p", "prod") else Sql.Database("d", "dev"), T = Source{[Schema="dbo",Item="T"]}[Data] in T`,
      {
        parameters: { Env: 'prod', Region: 'eu' },
        expressions: [
          { name: 'Flag', expression: 'true meta [IsParameterQuery=true, Type="Logical"]' },
          { name: 'Missing', expression: '"x" meta [IsParameterQuery=true, Type="Text"]' },
        ],
      },
    );
    expect(result.upstreams.map((u) => u.qualifiedName)).toEqual([`${expected}.dbo.t`]);
    expect(result.upstreams.every((u) => u.alternative === undefined)).toBe(true);
  });

  test('a table read in both branches of an undecided condition is not an alternative', async () => {
    const result = await lineageOf(
      `let S = Sql.Database("p", "db"), A = S{[Schema="dbo",Item="A"]}[Data], B = S{[Schema="dbo",Item="B"]}[Data],
        Out = if Unknown then Table.Combine({A, B}) else A in Out`,
    );
    expect(result.upstreams.map((u) => [u.qualifiedName, u.alternative ?? false])).toEqual([
      ['db.dbo.a', false],
      ['db.dbo.b', true],
    ]);
  });

  test('Table.AddColumn(A, "x", each Table.RowCount(B))  (each bodies are followed)', async () => {
    expect(
      await edgesOf(`let S = ${SQL}, A = S{[Schema="s",Item="A"]}[Data], B = S{[Schema="s",Item="B"]}[Data],
        R = Table.AddColumn(A, "x", each Table.RowCount(B)) in R`),
    ).toEqual(['sqlserver:db.s.a', 'sqlserver:db.s.b']);
  });

  test('Table.Combine({A, B, C})', async () => {
    expect(
      await edgesOf(`let S = ${SQL}, A = S{[Schema="s",Item="A"]}[Data], B = S{[Schema="s",Item="B"]}[Data],
        C = S{[Schema="t",Item="C"]}[Data] in Table.Combine({A, B, C})`),
    ).toEqual(['sqlserver:db.s.a', 'sqlserver:db.s.b', 'sqlserver:db.t.c']);
  });

  test('Table.NestedJoin(A, {"k"}, B, {"k"}, "B", JoinKind.LeftOuter)  (all table inputs)', async () => {
    expect(
      await edgesOf(`let S = ${SQL}, A = S{[Schema="s",Item="A"]}[Data], B = Snowflake.Databases("h","w"){[Name="D"]}[Data]{[Name="S"]}[Data]{[Name="B"]}[Data],
        J = Table.NestedJoin(A, {"k"}, B, {"k"}, "B", JoinKind.LeftOuter) in J`),
    ).toEqual(['snowflake:d.s.b', 'sqlserver:db.s.a']);
  });

  test('Table.Join(A, "k", B, "k")', async () => {
    expect(
      await edgesOf(
        `let S = ${SQL}, A = S{[Schema="s",Item="A"]}[Data], B = S{[Schema="s",Item="B"]}[Data] in Table.Join(A, "k", B, "k")`,
      ),
    ).toEqual(['sqlserver:db.s.a', 'sqlserver:db.s.b']);
  });

  test('Table.SelectRows(Sql.Database("srv", "db"){[Schema="s",Item="I"]}[Data], each true)  (inline navigation as an argument)', async () => {
    expect(await edgesOf(`Table.SelectRows(${SQL}{[Schema="s",Item="I"]}[Data], each true)`)).toEqual([
      'sqlserver:db.s.i',
    ]);
  });

  test('(t as table) => Table.FirstN(t, 5) applied to a navigation', async () => {
    expect(
      await edgesOf(
        `let top = (t as table) => Table.FirstN(t, 5), S = ${SQL}, R = top(S{[Schema="s",Item="F"]}[Data]) in R`,
      ),
    ).toEqual(['sqlserver:db.s.f']);
  });

  test('try A otherwise B  (both sides)', async () => {
    expect(
      await edgesOf(
        `let S = ${SQL} in try S{[Schema="s",Item="A"]}[Data] otherwise S{[Schema="s",Item="B"]}[Data]`,
      ),
    ).toEqual(['sqlserver:db.s.a', 'sqlserver:db.s.b']);
  });

  test('Source = #"base rows" where base rows is a dataset query with load disabled', async () => {
    const expressions = [
      { name: 'base rows', expression: `let S = ${SQL}, T = S{[Schema="core",Item="Rows"]}[Data] in T` },
      { name: 'other', expression: `let S = ${SQL}, T = S{[Schema="core",Item="Other"]}[Data] in T` },
    ];
    expect(
      await edgesOf('let Source = #"base rows", F = Table.SelectRows(Source, each [a] = 1) in F', {
        expressions,
      }),
    ).toEqual(['sqlserver:db.core.rows']);
  });

  test('Table.Combine({#"q1", #"q2"}) where both queries read the same table  (deduplicated)', async () => {
    const base = `let S = ${SQL}, T = S{[Schema="core",Item="Rows"]}[Data] in T`;
    const expressions = [
      { name: 'q1', expression: base },
      { name: 'q2', expression: `Table.SelectRows(${SQL}{[Schema="core",Item="Rows"]}[Data], each false)` },
    ];
    const { upstreams } = await lineageOf('Table.Combine({#"q1", #"q2"})', { expressions });
    expect(upstreams.map((u) => u.qualifiedName)).toEqual(['db.core.rows']);
  });

  test('let Source = #"Step"... referenced as #"step"  (letter case differs: followed with a diagnostic)', async () => {
    const result = await lineageOf(
      `let #"My Step" = ${SQL}{[Schema="s",Item="X"]}[Data], Out = #"my step" in Out`,
    );
    expect(result.upstreams.map((u) => u.qualifiedName)).toEqual(['db.s.x']);
    expect(result.diagnostics.map((d) => d.kind)).toEqual(['unresolved_reference']);
  });

  test('a = b, b = a  (cyclic steps do not hang)', async () => {
    expect(await diagnosticKinds('let a = b, b = a in a')).toEqual(['cyclic_reference']);
  });

  test('output order is deterministic whatever the step order', async () => {
    const one = await edgesOf(
      `let S = ${SQL}, Z = S{[Schema="s",Item="Z"]}[Data], A = S{[Schema="s",Item="A"]}[Data] in Table.Combine({Z, A})`,
    );
    const two = await edgesOf(
      `let S = ${SQL}, A = S{[Schema="s",Item="A"]}[Data], Z = S{[Schema="s",Item="Z"]}[Data] in Table.Combine({A, Z})`,
    );
    expect(one).toEqual(['sqlserver:db.s.a', 'sqlserver:db.s.z']);
    expect(two).toEqual(one);
  });
});
