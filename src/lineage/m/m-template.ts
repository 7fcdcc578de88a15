/**
 * Table expressions in a tenant are mostly a few shapes with different text literals: the same
 * `Sql.Database("…", "…")` navigation with another server, database or table. Two texts whose
 * tokens differ only in text-literal contents parse to the same tree but for those literals
 * (Power Query's grammar never looks inside a text literal), so one parse per shape is enough:
 * the stored tree is copied with the literals of the new text put in.
 */
import * as PQP from '@microsoft/powerquery-parser';
import type { MAst } from './parse-m.js';

type Token = PQP.Language.Token.Token;

const TEXT_LITERAL = PQP.Language.Token.TokenKind.TextLiteral;
const LITERAL_EXPRESSION = PQP.Language.Ast.NodeKind.LiteralExpression;
const TEXT = PQP.Language.Ast.LiteralKind.Text;

/** One character per token kind keeps keys about as long as the texts they stand for. */
const KIND_CODES = new Map(
  Object.values(PQP.Language.Token.TokenKind).map((kind, index) => [
    kind,
    String.fromCharCode(0x100 + index),
  ]),
);

/** The shape of a token list: every token but the contents of text literals. */
export function templateKey(tokens: readonly Token[]): string {
  let key = '';
  for (const token of tokens) {
    key += KIND_CODES.get(token.kind) ?? `?${token.kind}?`;
    if (token.kind !== TEXT_LITERAL) key += `${token.data}\u0000`;
  }
  return key;
}

function isTextLiteralNode(value: object): value is PQP.Language.Ast.LiteralExpression {
  const node = value as Partial<PQP.Language.Ast.LiteralExpression>;
  return node.kind === LITERAL_EXPRESSION && node.literalKind === TEXT;
}

/** Objects nested deeper than this in a stored tree are not copied (the copy is recursive). */
const MAX_COPY_DEPTH = 1_500;

/**
 * The tree of a text with `tokens`, from the tree of another text of the same shape; undefined when
 * the copy does not account for every text literal exactly once (then parse the text instead).
 */
export function instantiate(template: MAst, tokens: readonly Token[]): MAst | undefined {
  const expected = tokens.filter((token) => token.kind === TEXT_LITERAL).length;
  let replaced = 0;
  let misplaced = false;
  const copy = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1));
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_COPY_DEPTH) {
      // Deeper than any table expression's tree in practice: parsing is then the safer way.
      misplaced = true;
      return value;
    }
    if (isTextLiteralNode(value)) {
      const token = tokens[value.tokenRange.tokenIndexStart];
      if (token?.kind !== TEXT_LITERAL) {
        misplaced = true;
        return value;
      }
      replaced += 1;
      return { ...value, literal: token.data };
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value))
      out[key] = key === 'tokenRange' ? field : copy(field, depth + 1);
    return out;
  };
  const tree = copy(template, 0) as MAst;
  return replaced === expected && !misplaced ? tree : undefined;
}
