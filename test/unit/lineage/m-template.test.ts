import * as PQP from '@microsoft/powerquery-parser';
import { loadCorpus } from '../../../scripts/conformance-m.js';
import { extractMLineage, LineageCache, type MExpressionInput } from '../../../src/lineage/index.js';
import {
  instantiate,
  slimTemplate,
  templateShape,
  type TemplateShape,
} from '../../../src/lineage/m/m-template.js';
import { parseM } from '../../../src/lineage/m/parse-m.js';
import { Tenant } from '../../../simulator/tenant/tenant.js';

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

function shapeOf(text: string): TemplateShape {
  return templateShape(tokensOf(text), text);
}

function keyOf(text: string): string {
  return shapeOf(text).key;
}

/**
 * The same text with every variable identifier and number changed: each name consistently (so a
 * step still refers to the step of that name), dotted library names left alone.
 */
function withOtherNames(text: string): string {
  const tokens = tokensOf(text);
  const { variable } = shapeOf(text);
  const Kind = PQP.Language.Token.TokenKind;
  let out = '';
  let copied = 0;
  tokens.forEach((token, index) => {
    if (variable[index] !== 1 || token.kind === Kind.TextLiteral) return;
    let replacement: string | undefined;
    if (token.kind === Kind.Identifier && !token.data.includes('.'))
      replacement = token.data.startsWith('#"') ? `${token.data.slice(0, -1)} v2"` : `${token.data}_v2`;
    else if (token.kind === Kind.NumericLiteral) replacement = `${token.data}7`;
    if (replacement === undefined) return;
    out += text.slice(copied, token.positionStart.codeUnit) + replacement;
    copied = token.positionEnd.codeUnit;
  });
  return out + text.slice(copied);
}

/** A tree without token positions (they are the template's after a reuse). */
function shape(tree: unknown): unknown {
  return JSON.parse(
    JSON.stringify(tree, (key, value: unknown) => (key === 'tokenRange' ? undefined : value)),
  );
}

/** Distinct M texts of a generated tenant: table sources and dataset expressions. */
function tenantTexts(workspaces: number): string[] {
  const tenant = new Tenant({
    seed: 7,
    workspaces,
    startMs: Date.parse('2026-11-28T09:00:00Z'),
    emailDomain: 'contoso.com',
    scannerApp: { clientId: '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90', displayName: 'Scanner' },
  });
  const found = new Set<string>();
  for (let index = 0; index < tenant.size; index += 1) {
    for (const dataset of tenant.build(index).workspace.datasets ?? []) {
      for (const { expression } of dataset.expressions ?? []) if (expression) found.add(expression);
      for (const table of dataset.tables ?? [])
        for (const { expression } of table.source ?? []) found.add(expression);
    }
  }
  return [...found];
}

const corpusTexts = (loadCorpus() ?? []).map((item) => item.expression).filter((text) => text.length > 0);
const texts = [...OWN_TEXTS, ...corpusTexts];

describe('parse trees reused across texts of one shape', () => {
  test('texts of one shape share a key; a different token gives a different key', () => {
    const [first] = OWN_TEXTS;
    expect(keyOf(withOtherLiterals(first!))).toBe(keyOf(first!));
    expect(keyOf(withOtherNames(first!))).toBe(keyOf(first!));
    expect(keyOf('Sql.Database("a", "b")')).not.toBe(keyOf('Sql.Database("a")'));
  });

  test('the tokens the parser reads keep their text in the key', () => {
    // Grammar words: primitive types, `nullable`, `optional`, `catch`.
    expect(keyOf('each _ is number')).not.toBe(keyOf('each _ is text'));
    expect(keyOf('(optional x) => x')).not.toBe(keyOf('(other x) => x'));
    expect(keyOf('try x catch (e) => 1')).not.toBe(keyOf('try x other (e) => 1'));
    // Between `[` and `]` tokens may form a generalized identifier: their text and spacing count.
    expect(keyOf('[Schema="a"]')).not.toBe(keyOf('[Scheme="a"]'));
    expect(keyOf('x[Sales Amount]')).not.toBe(keyOf('x[Sales  Amount]'));
    expect(keyOf('x{[Id=1]}')).not.toBe(keyOf('x{[Id=2]}'));
    // Elsewhere names and numbers are variable.
    expect(keyOf('let a = f(1) in a')).toBe(keyOf('let b = g(2) in b'));
    expect(keyOf('let a = 1 in a')).not.toBe(keyOf('let a = 1 in -a'));
  });

  test.each([
    ['text literals', withOtherLiterals],
    ['names and numbers', withOtherNames],
    ['literals, names and numbers', (text: string) => withOtherNames(withOtherLiterals(text))],
  ])(
    'the copied tree equals a fresh parse of a text with other %s, for every text that parses',
    async (_what, vary) => {
      let compared = 0;
      for (const text of texts) {
        const original = await parseM(text);
        const variant = vary(text);
        const fresh = await parseM(variant);
        // A repaired text's tree is of the text without the stray comma: never stored as a template.
        if (!original.ok || !fresh.ok || original.repairs.length > 0) continue;
        const tokens = tokensOf(variant);
        const variantShape = templateShape(tokens, variant);
        if (variantShape.key !== keyOf(text)) continue;
        const copied = instantiate(original.ast, tokens, variantShape);
        expect(copied).toBeDefined();
        expect(shape(copied)).toEqual(shape(fresh.ast));
        compared += 1;
      }
      expect(compared).toBeGreaterThanOrEqual(Math.floor(texts.length * 0.8));
    },
  );

  test('texts of a generated tenant that share a shape: the copied tree equals a fresh parse', async () => {
    const byKey = new Map<string, string[]>();
    for (const text of tenantTexts(200)) {
      const lexed = PQP.TaskUtils.tryLex(PQP.DefaultSettings, text);
      if (!PQP.TaskUtils.isLexStageOk(lexed)) continue;
      const key = templateShape(lexed.lexerSnapshot.tokens, text).key;
      byKey.set(key, [...(byKey.get(key) ?? []), text]);
    }
    let compared = 0;
    for (const [first, ...others] of byKey.values()) {
      const template = await parseM(first!);
      if (!template.ok || template.repairs.length > 0) continue;
      for (const text of others.slice(0, 10)) {
        const fresh = await parseM(text);
        if (!fresh.ok) throw new Error(`a text of a parsed shape must parse: ${text}`);
        const tokens = tokensOf(text);
        const copied = instantiate(template.ast, tokens, templateShape(tokens, text));
        expect(shape(copied)).toEqual(shape(fresh.ast));
        // What the template store keeps for the run serves the same copies.
        const fromKept = instantiate(slimTemplate(template.ast), tokens, templateShape(tokens, text));
        expect(shape(fromKept)).toEqual(shape(fresh.ast));
        compared += 1;
      }
    }
    // Most texts of a tenant share their shape with another (other names, servers, tables).
    expect(compared).toBeGreaterThan(150);
  });

  test('a kept tree has every node and token index of the parsed tree, and no token positions', async () => {
    const parsed = await parseM(OWN_TEXTS[3]!);
    if (!parsed.ok) throw new Error('must parse');
    const ranges = (tree: unknown): unknown[] => {
      const found: unknown[] = [];
      JSON.stringify(tree, (key, value: unknown) => {
        if (key === 'tokenRange') found.push(value);
        return value;
      });
      return found;
    };
    const kept = slimTemplate(parsed.ast);
    expect(shape(kept)).toEqual(shape(parsed.ast));
    const keptRanges = ranges(kept);
    expect(keptRanges.length).toBeGreaterThan(20);
    expect(keptRanges).toEqual(
      ranges(parsed.ast).map((range) => {
        const { tokenIndexStart, tokenIndexEnd } = range as {
          tokenIndexStart: number;
          tokenIndexEnd: number;
        };
        return { tokenIndexStart, tokenIndexEnd };
      }),
    );
  });

  test('a tree whose variable tokens do not line up with its nodes is not reused', async () => {
    const a = await parseM('Sql.Database("a", "b")');
    if (!a.ok) throw new Error('must parse');
    const other = 'Sql.Database(x, "b")';
    expect(instantiate(a.ast, tokensOf(other), shapeOf(other))).toBeUndefined();
    // A shape from another token list is refused, not misread.
    expect(instantiate(a.ast, tokensOf('Sql.Database("a", "b")'), shapeOf('x'))).toBeUndefined();
  });

  test('parts of the tree without a variable token are shared, the rest copied', async () => {
    const text = 'let Source = Sql.Database("a", "b"), T = Source{[Schema="dbo",Item="x"]}[Data] in T';
    const original = await parseM(text);
    if (!original.ok) throw new Error('must parse');
    const variant = withOtherLiterals(text);
    const copied = instantiate(original.ast, tokensOf(variant), shapeOf(variant));
    const nodes = (tree: unknown): Set<unknown> => {
      const found = new Set<unknown>();
      const visit = (value: unknown): void => {
        if (value === null || typeof value !== 'object' || found.has(value)) return;
        found.add(value);
        Object.values(value).forEach(visit);
      };
      visit(tree);
      return found;
    };
    const before = nodes(original.ast);
    const shared = [...nodes(copied)].filter((node) => before.has(node));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(before.size);
    expect(copied).not.toBe(original.ast);
  });

  test.each([
    ['text literals', withOtherLiterals],
    ['literals, names and numbers', (text: string) => withOtherNames(withOtherLiterals(text))],
  ])('lineage through a reused tree is the lineage of a fresh analysis (other %s)', async (_what, vary) => {
    const warm = new LineageCache();
    let reusedDifferently = 0;
    for (const text of texts) {
      const variant: MExpressionInput = { expression: vary(text) };
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
