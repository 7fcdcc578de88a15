/**
 * A report definition's parts (base64 files) → ParsedDefinition. The format follows from the parts:
 * a root report.json is PBIR-Legacy, files under definition/ are PBIR. definition.pbir names the
 * semantic model (the Fabric API only returns byConnection references).
 * https://learn.microsoft.com/rest/api/fabric/articles/item-management/definitions/report-definition
 */
import type { DefinitionPart } from '../powerbi/report-definitions.js';
import { field, isObject, stringField } from '../powerbi/json-shapes.js';
import type { ParsedDefinition } from './report-definition-model.js';
import { parseJsonObject } from './report-json.js';
import { parseLegacyReport } from './report-legacy-parser.js';
import { parsePbirReport } from './report-pbir-parser.js';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Only the JSON parts the streams read are decoded (not images, themes or custom visuals). */
function wanted(path: string): boolean {
  return (
    path === 'report.json' ||
    path === 'definition.pbir' ||
    (path.startsWith('definition/') && path.toLowerCase().endsWith('.json'))
  );
}

function decodedParts(parts: readonly DefinitionPart[], problems: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const part of parts) {
    const path = part.path.replace(/\\/g, '/').replace(/^\/+/, '');
    if (!wanted(path)) continue;
    if (part.payloadType.toLowerCase() !== 'inlinebase64') {
      problems.push(`${path}: payload type ${part.payloadType || '(none)'} is not InlineBase64`);
      continue;
    }
    files.set(path, Buffer.from(part.payload, 'base64').toString('utf8'));
  }
  return files;
}

/** The semantic model id of a byConnection reference (its database name, or semanticmodelid=… in the connection string). */
function datasetIdOf(pbirText: string | undefined, problems: string[]): string | null {
  if (pbirText === undefined) return null;
  const pbir = parseJsonObject(pbirText, 'definition.pbir', problems);
  const reference = pbir && field(pbir, 'datasetReference');
  const byConnection = isObject(reference) ? field(reference, 'byConnection') : undefined;
  if (!isObject(byConnection)) return null;
  const database = stringField(byConnection, 'pbiModelDatabaseName');
  if (database && GUID.test(database)) return database.toLowerCase();
  const modelId = /semanticmodelid=([^;]+)/i.exec(stringField(byConnection, 'connectionString') ?? '')?.[1];
  return modelId && GUID.test(modelId) ? modelId.trim().toLowerCase() : null;
}

/** Only `problems` when the parts hold neither format (the caller records the report as unparsable). */
export function parseDefinition(parts: readonly DefinitionPart[]): ParsedDefinition | { problems: string[] } {
  const problems: string[] = [];
  const files = decodedParts(parts, problems);
  const datasetId = datasetIdOf(files.get('definition.pbir'), problems);
  const legacyText = files.get('report.json');
  if (legacyText !== undefined) {
    const report = parseJsonObject(legacyText, 'report.json', problems);
    if (!report) return { problems };
    return { format: 'pbir-legacy', datasetId, ...parseLegacyReport(report, problems), problems };
  }
  if ([...files.keys()].some((path) => path.startsWith('definition/pages/')))
    return { format: 'pbir', datasetId, ...parsePbirReport(files, problems), problems };
  problems.push('the definition has neither report.json (PBIR-Legacy) nor definition/pages (PBIR)');
  return { problems };
}
