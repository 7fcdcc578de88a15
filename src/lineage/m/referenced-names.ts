/**
 * Identifier names an M text mentions, read from its tokens: a cheap over-approximation (record
 * field names are included) used to pick which dataset queries a table expression may depend on.
 */
import * as PQP from '@microsoft/powerquery-parser';
import { decodeMIdentifier } from './m-string.js';

type Token = PQP.Language.Token.Token;

export function referencedNames(tokens: readonly Token[]): string[] {
  const names = new Set<string>();
  for (const token of tokens) {
    if (token.kind === PQP.Language.Token.TokenKind.Identifier) names.add(decodeMIdentifier(token.data));
  }
  return [...names];
}
