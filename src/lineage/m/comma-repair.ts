/**
 * A trailing comma in a list, record, argument list or `let` (`Table.RenameColumns(#"Added Index",)`)
 * is the one error Microsoft's parser names precisely: where it is, and the text with it replaced
 * by a space (not removed, so later offsets, lines and columns stay those of the original text).
 */
import * as PQP from '@microsoft/powerquery-parser';

type Token = PQP.Language.Token.Token;
export type LexParseTask = Awaited<ReturnType<typeof PQP.TaskUtils.tryLexParse>>;

/** A trailing comma replaced before parsing again; line and column are 1-based. */
export interface CommaRepair {
  line: number;
  column: number;
}

export interface StrayComma {
  /** Its index in the token list of the text parsed. */
  index: number;
  token: Token;
}

/** The comma right before a "dangling comma" / "comma before in" error. */
export function strayComma(task: LexParseTask): StrayComma | undefined {
  if (!PQP.TaskUtils.isParseStageParseError(task)) return undefined;
  const inner = task.error.innerError;
  if (!(inner instanceof PQP.Parser.ParseError.ExpectedCsvContinuationError)) return undefined;
  const tokens = task.lexerSnapshot.tokens;
  const at = tokens.findIndex(
    (token) => token.positionStart.codeUnit === inner.foundToken?.token.positionStart.codeUnit,
  );
  const comma = tokens[at - 1];
  if (at < 1 || comma?.kind !== PQP.Language.Token.TokenKind.Comma) return undefined;
  return { index: at - 1, token: comma };
}

export function repairOf(comma: Token): CommaRepair {
  const { lineNumber, lineCodeUnit } = comma.positionStart;
  return { line: lineNumber + 1, column: lineCodeUnit + 1 };
}

/** `text` with these comma tokens (of its own token list) replaced by spaces. */
export function withoutCommas(text: string, commas: readonly Token[]): string {
  let repaired = text;
  for (const comma of commas)
    repaired = `${repaired.slice(0, comma.positionStart.codeUnit)} ${repaired.slice(comma.positionEnd.codeUnit)}`;
  return repaired;
}
