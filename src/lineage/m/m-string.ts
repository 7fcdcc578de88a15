/**
 * Decoding of M text literals and quoted identifiers.
 * https://learn.microsoft.com/powerquery-m/m-spec-lexical-structure#character-escape-sequences
 */

const NAMED_ESCAPES: Record<string, string> = { cr: '\r', lf: '\n', tab: '\t' };

/** Decodes one `#(...)` escape body: `lf`, `cr,lf`, `0041`, `0001F600`, `#`. */
function decodeEscapeBody(body: string): string | undefined {
  if (body === '#') return '#';
  let out = '';
  for (const part of body.split(',')) {
    const token = part.trim();
    const named = NAMED_ESCAPES[token.toLowerCase()];
    if (named !== undefined) {
      out += named;
    } else if (/^[0-9a-fA-F]{4}$|^[0-9a-fA-F]{8}$/.test(token)) {
      out += String.fromCodePoint(parseInt(token, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/** Decodes the inside of a text literal (without the surrounding quotes). */
export function decodeMTextBody(body: string): string {
  const withEscapes = body.replace(
    /#\(([^)]*)\)/g,
    (whole, inner: string) => decodeEscapeBody(inner) ?? whole,
  );
  return withEscapes.replace(/""/g, '"');
}

/** Decodes a text literal token as the parser returns it, quotes included: `"a""b#(lf)"` -> `a"b\n`. */
export function decodeMTextLiteral(literal: string): string {
  if (literal.length >= 2 && literal.startsWith('"') && literal.endsWith('"')) {
    return decodeMTextBody(literal.slice(1, -1));
  }
  return literal;
}

/** Normalises an identifier token: `#"Folder Path"` -> `Folder Path`, `Source` -> `Source`. */
export function decodeMIdentifier(literal: string): string {
  if (literal.startsWith('#"') && literal.endsWith('"') && literal.length >= 3) {
    return decodeMTextBody(literal.slice(2, -1));
  }
  return literal;
}
