/** Parsing M text with Microsoft's powerquery-parser. The parser API is asynchronous. */
import * as PQP from '@microsoft/powerquery-parser';

export type MAst = PQP.Language.Ast.TNode;

export type ParseOutcome = { ok: true; ast: MAst } | { ok: false; message: string };

export async function parseM(text: string): Promise<ParseOutcome> {
  try {
    const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, text);
    if (PQP.TaskUtils.isOk(task) && PQP.TaskUtils.isParseStageOk(task)) return { ok: true, ast: task.ast };
    if (PQP.TaskUtils.isError(task)) return { ok: false, message: task.error.message };
    return { ok: false, message: 'The M text could not be parsed.' };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/** Parses each distinct text once per lineage call (dataset expressions are shared by all tables). */
export class MParseCache {
  private readonly outcomes = new Map<string, Promise<ParseOutcome>>();

  parse(text: string): Promise<ParseOutcome> {
    let outcome = this.outcomes.get(text);
    if (outcome === undefined) {
      outcome = parseM(text);
      this.outcomes.set(text, outcome);
    }
    return outcome;
  }
}
