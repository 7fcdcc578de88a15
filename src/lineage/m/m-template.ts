/**
 * Table expressions in a tenant are mostly a few shapes with different names and literals: the
 * same `Sql.Database("…", "…")` navigation with another server, database or table, the same steps
 * under other step names. Power Query's parser decides a tree from token kinds alone, but for a few
 * places where it reads a token's text (listed below), so two texts whose tokens differ only
 * elsewhere parse to the same tree but for those tokens' literals. One parse per shape is enough:
 * the stored tree is copied with the new text's tokens put in.
 *
 * Where the parser reads a token's text (@microsoft/powerquery-parser 0.18):
 * - identifiers that are grammar words (`type nullable number`, `(optional x) =>`, `try … catch`):
 *   those words stay in the key;
 * - a generalized identifier (`[Sales Amount]`, record field names) is the text from its first to
 *   its last token, checked for validity: tokens between `[` and `]` keep their text, and the text
 *   between them, in the key.
 * Everything else that differs (text literals, other identifiers, numbers) is variable.
 */
import * as PQP from '@microsoft/powerquery-parser';
import type { MAst } from './parse-m.js';

type Token = PQP.Language.Token.Token;

const TokenKind = PQP.Language.Token.TokenKind;
const NodeKind = PQP.Language.Ast.NodeKind;

/** One character per token kind keeps keys about as long as the texts they stand for. */
const KIND_CODES = new Map(
  Object.values(TokenKind).map((kind, index) => [kind, String.fromCharCode(0x100 + index)]),
);

/** Identifier texts the parser compares against (isOnConstantKind, readPrimitiveType). */
const GRAMMAR_WORDS: ReadonlySet<string> = new Set<string>([
  ...PQP.Language.Constant.LanguageConstants,
  ...PQP.Language.Constant.PrimitiveTypeConstants,
]);

export interface TemplateShape {
  /** Equal keys: equal trees but for the variable tokens' literals. */
  readonly key: string;
  /** 1 for each token whose text is left out of the key (its node's literal is replaced on a copy). */
  readonly variable: Uint8Array;
}

function isVariable(token: Token, insideBrackets: boolean): boolean {
  if (token.kind === TokenKind.TextLiteral) return true;
  if (insideBrackets) return false;
  if (token.kind === TokenKind.NumericLiteral || token.kind === TokenKind.HexLiteral) return true;
  return token.kind === TokenKind.Identifier && !GRAMMAR_WORDS.has(token.data);
}

/** Length-prefixed, so no two token lists share a key by accident of their contents. */
function keyPart(tag: string, value: string): string {
  return `${tag}${value.length}:${value}`;
}

/**
 * The text of the first token seen of each kind. Keywords and punctuation always have the same
 * text, so their text is left out of a key as long as it is that one (the kind says it all); any
 * other text of such a kind still goes in.
 */
const FIRST_TEXT = new Map<string, string>();

function textPart(token: Token): string {
  const kind = token.kind;
  if (kind === TokenKind.Identifier || kind === TokenKind.NumericLiteral || kind === TokenKind.HexLiteral)
    return keyPart('d', token.data);
  const first = FIRST_TEXT.get(kind);
  if (first === undefined) FIRST_TEXT.set(kind, token.data);
  return first === undefined || first === token.data ? '' : keyPart('d', token.data);
}

/** The shape of a text's token list (`text`: the text the tokens were read from). */
export function templateShape(tokens: readonly Token[], text: string): TemplateShape {
  const variable = new Uint8Array(tokens.length);
  let key = '';
  // Counted, not matched: any token between a `[` and the next `]` may be read as part of a
  // generalized identifier, whatever other brackets lie between.
  let brackets = 0;
  let previousEnd = 0;
  tokens.forEach((token, index) => {
    if (token.kind === TokenKind.RightBracket) brackets -= 1;
    const insideBrackets = brackets > 0;
    key += KIND_CODES.get(token.kind) ?? keyPart('?', token.kind);
    if (isVariable(token, insideBrackets)) variable[index] = 1;
    else key += textPart(token);
    if (insideBrackets) key += keyPart('g', text.slice(previousEnd, token.positionStart.codeUnit));
    if (token.kind === TokenKind.LeftBracket) brackets += 1;
    previousEnd = token.positionEnd.codeUnit;
  });
  return { key, variable };
}

type LiteralNode = PQP.Language.Ast.LiteralExpression | PQP.Language.Ast.Identifier;

/** Nodes whose `literal` is exactly their one token's text. */
function isSingleTokenLiteral(node: { kind?: unknown }): node is LiteralNode {
  return node.kind === NodeKind.LiteralExpression || node.kind === NodeKind.Identifier;
}

/** The node was read from a token of this kind (an identifier from an identifier, a number from a number, ...). */
function fitsToken(node: LiteralNode, token: Token): boolean {
  if (node.kind === NodeKind.Identifier) return token.kind === TokenKind.Identifier;
  return PQP.Language.AstUtils.literalKindFrom(token.kind) === node.literalKind;
}

interface TokenRange {
  tokenIndexStart: number;
  tokenIndexEnd: number;
}

/** A node's token range, when it has one with token indexes. */
function tokenRangeOf(value: object): TokenRange | undefined {
  return asTokenRange((value as { tokenRange?: unknown }).tokenRange);
}

function asTokenRange(range: unknown): TokenRange | undefined {
  const candidate = range as Partial<TokenRange> | null | undefined;
  return typeof candidate?.tokenIndexStart === 'number' && typeof candidate.tokenIndexEnd === 'number'
    ? (candidate as TokenRange)
    : undefined;
}

/** Objects nested deeper than this in a stored tree are not copied (the copy is recursive). */
const MAX_COPY_DEPTH = 1_500;

/**
 * The tree of a text with `tokens` and `shape`, from the tree of another text of the same shape;
 * undefined when the copy does not account for every variable token exactly once (then parse the
 * text instead). Subtrees without a variable token are shared with the template, not copied:
 * nothing changes a parsed tree.
 */
export function instantiate(
  template: MAst,
  tokens: readonly Token[],
  shape: TemplateShape,
): MAst | undefined {
  const { variable } = shape;
  if (variable.length !== tokens.length) return undefined;
  // variableBefore[i]: variable tokens before index i.
  const variableBefore = new Uint32Array(tokens.length + 1);
  variable.forEach((flag, index) => (variableBefore[index + 1] = (variableBefore[index] ?? 0) + flag));
  const expected = variableBefore[tokens.length] ?? 0;
  const replacedAt = new Uint8Array(tokens.length);
  let replaced = 0;
  let misplaced = false;

  const holdsVariable = (range: TokenRange): boolean =>
    (variableBefore[range.tokenIndexEnd + 1] ?? expected) - (variableBefore[range.tokenIndexStart] ?? 0) > 0;

  const replace = (node: LiteralNode, index: number): object => {
    const token = tokens[index];
    if (token === undefined || variable[index] !== 1) return node;
    if (!fitsToken(node, token)) {
      misplaced = true;
      return node;
    }
    if (replacedAt[index] === 0) replaced += 1;
    replacedAt[index] = 1;
    return { ...node, literal: token.data };
  };

  const copy = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_COPY_DEPTH) {
      // Deeper than any table expression's tree in practice: parsing is then the safer way.
      misplaced = true;
      return value;
    }
    if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1));
    const range = tokenRangeOf(value);
    if (range !== undefined && !holdsVariable(range)) return value;
    if (range !== undefined && isSingleTokenLiteral(value)) {
      if (range.tokenIndexStart !== range.tokenIndexEnd) misplaced = true;
      return replace(value, range.tokenIndexStart);
    }
    const out: Record<string, unknown> = { ...value };
    for (const key in out) {
      const field = out[key];
      if (key !== 'tokenRange' && field !== null && typeof field === 'object')
        out[key] = copy(field, depth + 1);
    }
    return out;
  };
  const tree = copy(template, 0) as MAst;
  return replaced === expected && !misplaced ? tree : undefined;
}

/**
 * A tree to keep for later copies: the same nodes, with token ranges reduced to the token indexes
 * (all instantiate reads). A parser's range also holds its first and last tokens' positions: a
 * third of a kept tree's memory. Deeper than MAX_COPY_DEPTH the tree is kept as it is.
 */
export function slimTemplate(tree: MAst): MAst {
  let tooDeep = false;
  const slim = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_COPY_DEPTH) {
      tooDeep = true;
      return value;
    }
    if (Array.isArray(value)) return value.map((item) => slim(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      out[key] = key === 'tokenRange' ? indexesOf(field) : slim(field, depth + 1);
    }
    return out;
  };
  const copy = slim(tree, 0) as MAst;
  return tooDeep ? tree : copy;
}

function indexesOf(range: unknown): unknown {
  const known = asTokenRange(range);
  return known === undefined
    ? range
    : { tokenIndexStart: known.tokenIndexStart, tokenIndexEnd: known.tokenIndexEnd };
}
