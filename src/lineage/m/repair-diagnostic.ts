/** The diagnostic for a trailing comma removed so that the rest of an expression could be read. */
import type { CommaRepair } from './parse-m.js';
import type { LineageDiagnostic } from '../types.js';

export function repairDiagnostic(repair: CommaRepair, query?: string): LineageDiagnostic {
  const where = query === undefined ? 'The M expression' : `Dataset query "${query}"`;
  return {
    kind: 'repaired_syntax',
    ...(query === undefined ? {} : { parameter: query }),
    message:
      `${where} has a trailing comma at line ${repair.line}, column ${repair.column} that Microsoft's parser ` +
      'rejects (a refresh may fail on it too); its lineage was read as if the comma were not there.',
  };
}
