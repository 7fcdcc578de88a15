import type { ScanSettings } from '../../config/options.js';
import type { LogLevel } from '../../protocol/messages.js';
import type { ScanEvidence } from './scan-evidence.js';

export interface Finding {
  level: Extract<LogLevel, 'WARN' | 'INFO'>;
  message: string;
  /** The tenant setting the finding is about, if any. */
  setting?: 'detailed-metadata' | 'dax-and-mashup';
}

export const DETAILED_METADATA = 'Enhance admin APIs responses with detailed metadata';
export const DAX_AND_MASHUP = 'Enhance admin APIs responses with DAX and mashup expressions';
const WHERE =
  'Fabric admin portal > Tenant settings > Admin API settings, for the whole organization or a security group that includes the identity the connector signs in with; changes take up to 15 minutes to apply';
const EXPRESSION_STREAMS =
  'measures and calculated columns will have no DAX expression, tables no Power Query (M) source, datasets no shared expressions, and the lineage stream will have no edges from tables to warehouse or database tables (they are read from the M expressions)';

function metadataFindings(evidence: ScanEvidence): Finding[] {
  const { workspaces, datasets, datasetsWithTables, datasetsWithExpressions } = evidence;
  if (datasets === 0) {
    return [
      {
        level: 'INFO',
        message: `None of the ${workspaces} workspace(s) test-scanned has a semantic model, so the tenant settings "${DETAILED_METADATA}" and "${DAX_AND_MASHUP}" could not be verified. If the tables, columns and measures streams stay empty after a sync, enable them (${WHERE}).`,
      },
    ];
  }
  if (datasetsWithTables === 0) {
    return [
      {
        level: 'WARN',
        setting: 'detailed-metadata',
        message: `None of the ${datasets} semantic model(s) test-scanned came back with tables: the tenant setting "${DETAILED_METADATA}" appears to be off. Until it is enabled (${WHERE}), the tables, columns and measures streams will be empty and the lineage stream will have no edges from tables to warehouse or database tables. "${DAX_AND_MASHUP}" can only be verified once tables come back.`,
      },
    ];
  }
  if (datasetsWithExpressions === 0) {
    return [
      {
        level: 'WARN',
        setting: 'dax-and-mashup',
        message: `The tables of ${datasetsWithTables} semantic model(s) came back without any DAX or M expression: the tenant setting "${DAX_AND_MASHUP}" appears to be off. Until it is enabled (${WHERE}), ${EXPRESSION_STREAMS}.`,
      },
    ];
  }
  return [];
}

/**
 * Warnings about the optional tenant settings, judged from a test scan that asked for everything.
 * Where the config itself turns a flag off, the streams are empty by choice: say so instead.
 */
export function settingFindings(evidence: ScanEvidence, scan: ScanSettings): Finding[] {
  const byConfig: Finding[] = [];
  if (!scan.datasetSchema) {
    byConfig.push({
      level: 'INFO',
      message:
        'scan.dataset_schema is false in the config: the tables, columns and measures streams will be empty, and so will M-based lineage.',
    });
  } else if (!scan.datasetExpressions) {
    byConfig.push({
      level: 'INFO',
      message: `scan.dataset_expressions is false in the config: ${EXPRESSION_STREAMS}.`,
    });
  }
  const fromTenant = metadataFindings(evidence).filter(
    (finding) => scan.datasetSchema && (scan.datasetExpressions || finding.setting !== 'dax-and-mashup'),
  );
  return [...byConfig, ...fromTenant];
}
