import * as PQP from '@microsoft/powerquery-parser';
import { loadCorpus } from '../../../scripts/conformance-m.js';
import { extractMLineage, LineageCache, type MExpressionInput } from '../../../src/lineage/index.js';
import { instantiate, templateKey } from '../../../src/lineage/m/m-template.js';
import { parseM } from '../../../src/lineage/m/parse-m.js';

const OWN_TEXTS = [
  'let Source = Sql.Database("srv-a.database.windows.net", "Sales"), dbo_Orders = Source{[Schema="dbo",Item="Orders"]}[Data] in dbo_Orders',
  'let Source = Value.NativeQuery(Snowflake.Databases("acme.snowflakecomputing.com", "WH", [Role="R"]){[Name="DB"]}[Data], "SELECT * FROM S.T#(lf)WHERE A = \'x\'", null, [EnableFolding=true]) in Source',
  'let Source = Sql.Database("h", "d", [Query="select a, b from dbo.t1 join dbo.t2 on t1.id = t2.id"]) in Source',
  'let Source = PostgreSQL.Database("pg:5432", "analytics"), public_events = Source{[Schema="public",Item="events"]}[Data], #"Kept" = Table.SelectRows(public_events, each [kind] = "click") in #"Kept"',
  'let Source = Odbc.Query("dsn=Warehouse", "select * from mart.sales") in Source',
  '"prod-server" meta [IsParameterQuery=true, Type="Text", IsParameterQueryRequired=true]',
];

/** The same text with every text literal's contents changed (quoted identifiers left alone). */
function withOtherLiterals(text: string): string {
  return text.replace(/(#?)"((?:[^"]|"")*)"/g, (whole, hash: string, body: string) =>
    hash === '#' ? whole : `"${body}_v2"`,
  );
}

function tokensOf(text: string): PQP.Language.Token.Token[] {
  const lexed = PQP.TaskUtils.tryLex(PQP.DefaultSettings, text);
  if (!PQP.TaskUtils.isLexStageOk(lexed)) throw new Error(`does not lex: ${text}`);
  return [...lexed.lexerSnapshot.tokens];
}

/** A tree without token positions (they are the template's after a reuse). */
function shape(tree: unknown): unknown {
  return JSON.parse(
    JSON.stringify(tree, (key, value: unknown) => (key === 'tokenRange' ? undefined : value)),
  );
}

const corpusTexts = (loadCorpus() ?? []).map((item) => item.expression).filter((text) => text.length > 0);
const texts = [...OWN_TEXTS, ...corpusTexts];

describe('parse trees reused across texts that differ only in text literals', () => {
  test('texts of one shape share a key; a different token gives a different key', () => {
    const [first] = OWN_TEXTS;
    expect(templateKey(tokensOf(withOtherLiterals(first!)))).toBe(templateKey(tokensOf(first!)));
    expect(templateKey(tokensOf(first!.replace('dbo_Orders =', 'dbo_Orders2 =')))).not.toBe(
      templateKey(tokensOf(first!)),
    );
    expect(templateKey(tokensOf('Sql.Database("a", "b")'))).not.toBe(
      templateKey(tokensOf('Sql.Database("a")')),
    );
  });

  test('the copied tree equals a fresh parse of the other text, for every text that parses', async () => {
    let compared = 0;
    for (const text of texts) {
      const original = await parseM(text);
      const variant = withOtherLiterals(text);
      const fresh = await parseM(variant);
      if (!original.ok || !fresh.ok) continue;
      const tokens = tokensOf(variant);
      if (templateKey(tokens) !== templateKey(tokensOf(text))) continue;
      const copied = instantiate(original.ast, tokens);
      expect(copied).toBeDefined();
      expect(shape(copied)).toEqual(shape(fresh.ast));
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(Math.floor(texts.length * 0.8));
  });

  test('a tree whose literals do not line up with the tokens is not reused', async () => {
    const a = await parseM('Sql.Database("a", "b")');
    if (!a.ok) throw new Error('must parse');
    expect(instantiate(a.ast, tokensOf('Sql.Database(x, "b")'))).toBeUndefined();
  });

  test('lineage through a reused tree is the lineage of a fresh analysis', async () => {
    const warm = new LineageCache();
    let reusedDifferently = 0;
    for (const text of texts) {
      const variant: MExpressionInput = { expression: withOtherLiterals(text) };
      await extractMLineage({ expression: text }, warm);
      const reused = await extractMLineage(variant, warm);
      const fresh = await extractMLineage(variant, new LineageCache());
      expect(reused).toEqual(fresh);
      const original = await extractMLineage({ expression: text }, new LineageCache());
      if (JSON.stringify(original.upstreams) !== JSON.stringify(fresh.upstreams)) reusedDifferently += 1;
    }
    // The variants really name other tables, so a stale tree would have been noticed.
    expect(reusedDifferently).toBeGreaterThan(texts.length / 2);
  });
});
