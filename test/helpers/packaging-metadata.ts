/**
 * Validates metadata.yaml against Airbyte's OFFICIAL connector metadata schema in
 * ../shared/airbyte/metadata-schema/ (never copied into the project), the way
 * ../shared/airbyte/SOURCES.md describes: every YAML registered under one base URI keyed by file
 * name, ConnectorMetrics.yaml replaced by {} (ajv refuses its non-JSON type), ajv-formats for uuid,
 * uri and dates.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { repoRoot } from './paths.js';
import { sharedAvailable, sharedPath, warnWhenMissing } from './shared-reference.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const metadataSchemaDir = path.dirname(sharedPath('metadataSchema'));
export const metadataSchemaAvailable = sharedAvailable('metadataSchema');
warnWhenMissing('metadataSchema');

const BASE = 'https://schemas.source-powerbi.test/metadata/';

let validator: ValidateFunction | undefined;

export function metadataValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const file of readdirSync(metadataSchemaDir).filter((f) => f.endsWith('.yaml'))) {
    const schema =
      file === 'ConnectorMetrics.yaml'
        ? {}
        : (parseYaml(readFileSync(path.join(metadataSchemaDir, file), 'utf8')) as Record<string, unknown>);
    ajv.addSchema({ ...schema, $id: `${BASE}${file}` });
  }
  validator = ajv.getSchema(`${BASE}ConnectorMetadataDefinitionV0.yaml`)!;
  return validator;
}

export interface Metadata {
  metadataSpecVersion: string;
  data: {
    definitionId: string;
    dockerRepository: string;
    dockerImageTag: string;
    documentationUrl: string;
    tags?: string[];
    allowedHosts?: { hosts: string[] };
    [key: string]: unknown;
  };
}

export function readMetadata(): Metadata {
  return parseYaml(readFileSync(path.join(repoRoot, 'metadata.yaml'), 'utf8')) as Metadata;
}

/** ajv's messages for a metadata document; empty when valid. */
export function metadataErrors(metadata: unknown): string[] {
  const validate = metadataValidator();
  return validate(metadata) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
