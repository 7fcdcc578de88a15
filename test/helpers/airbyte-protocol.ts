/**
 * Validates connector output against the OFFICIAL Airbyte protocol schema in ../shared/airbyte/
 * (never copied into the project). When that file is absent (a user's clone without ../shared), only the
 * schema validation is skipped; every other assertion still runs. The Jest run checks ../shared once
 * (test/global-setup.ts: one notice for the run; in CI a missing schema fails it).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { sharedAvailable, sharedPath, warnWhenMissing } from './shared-reference.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export const protocolSchemaPath = sharedPath('protocolSchema');
export const protocolSchemaAvailable = sharedAvailable('protocolSchema');
warnWhenMissing('protocolSchema');

const SCHEMA_ID = 'https://airbyte.io/airbyte_protocol.yaml';
let ajv: Ajv | undefined;

function validatorFor(definition: string): ValidateFunction {
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const schema = parseYaml(readFileSync(protocolSchemaPath, 'utf8')) as Record<string, unknown>;
    ajv.addSchema({ ...schema, $id: SCHEMA_ID });
  }
  const validate = ajv.getSchema(`${SCHEMA_ID}#/definitions/${definition}`);
  if (!validate) throw new Error(`The protocol schema has no definition ${definition}`);
  return validate;
}

const PAYLOAD_FIELD: Record<string, [string, string]> = {
  RECORD: ['record', 'AirbyteRecordMessage'],
  STATE: ['state', 'AirbyteStateMessage'],
  LOG: ['log', 'AirbyteLogMessage'],
  SPEC: ['spec', 'ConnectorSpecification'],
  CONNECTION_STATUS: ['connectionStatus', 'AirbyteConnectionStatus'],
  CATALOG: ['catalog', 'AirbyteCatalog'],
  TRACE: ['trace', 'AirbyteTraceMessage'],
  CONTROL: ['control', 'AirbyteControlMessage'],
};

/** Returns the problems of one stdout line: schema errors plus "type X => payload x present". */
export function protocolProblems(line: string): string[] {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return [`not JSON: ${line.slice(0, 120)}`];
  }
  const problems: string[] = [];
  const validate = protocolSchemaAvailable ? validatorFor('AirbyteMessage') : undefined;
  if (validate && !validate(message))
    problems.push(...(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
  const type = (message as { type?: unknown }).type;
  const expected = typeof type === 'string' ? PAYLOAD_FIELD[type] : undefined;
  if (!expected) return [...problems, `unexpected type ${String(type)}`];
  const payload = (message as Record<string, unknown>)[expected[0]];
  if (payload === undefined) return [...problems, `type ${String(type)} without ${expected[0]}`];
  const validatePayload = protocolSchemaAvailable ? validatorFor(expected[1]) : undefined;
  if (validatePayload && !validatePayload(payload)) {
    problems.push(
      ...(validatePayload.errors ?? []).map((e) => `${expected[0]}${e.instancePath} ${e.message}`),
    );
  }
  return problems;
}

/** Asserts every line of a command's stdout is a valid AirbyteMessage; returns the parsed messages. */
export function expectProtocolLines(stdout: string): Record<string, unknown>[] {
  const lines = stdout.split('\n').filter((line) => line.length > 0);
  const problems = lines.flatMap((line, index) =>
    protocolProblems(line).map((p) => `line ${index + 1}: ${p}`),
  );
  if (problems.length > 0)
    throw new Error(`Output does not conform to the Airbyte protocol:\n${problems.slice(0, 20).join('\n')}`);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}
