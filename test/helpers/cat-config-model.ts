/**
 * The configuration model of Airbyte's connector acceptance tests (CAT), re-expressed as a JSON
 * Schema plus the checks its validators and its "high" strictness level make.
 *
 * Source of the rules: airbytehq/airbyte,
 * airbyte-integrations/bases/connector-acceptance-test/connector_acceptance_test/config.py at commit
 * 71b99465289679d95ff58ce7c7302bad79f7eccf (pydantic models; every model but GenericTestConfig forbids
 * extra keys), and the high-strictness checks of its tests (conftest, test_core.py,
 * test_incremental.py). That model carries validate_stream_statuses (CAT 3.5.0),
 * validate_state_messages (3.7.0), validate_primary_keys_data_type (3.8.0), deployment_mode and
 * client_container_config; CAT's CHANGELOG ends at 3.9.9 with no later change to the model.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export const CAT_MODEL_SOURCE = {
  repository: 'airbytehq/airbyte',
  path: 'airbyte-integrations/bases/connector-acceptance-test/connector_acceptance_test/config.py',
  commit: '71b99465289679d95ff58ce7c7302bad79f7eccf',
  catVersion: '3.9.9',
} as const;

type Schema = Record<string, unknown>;

const SEMVER = '(0|(?:[1-9]\\d*))(?:\\.(0|(?:[1-9]\\d*))(?:\\.(0|(?:[1-9]\\d*)))?(?:-([\\w][\\w.\\-_]*))?)?';
const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const strings: Schema = { type: 'array', items: str };

/** A pydantic model with `extra = "forbid"`. */
function model(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: 'object', additionalProperties: false, properties, required };
}

const common = {
  timeout_seconds: { type: 'integer', minimum: 0 },
  // pydantic's `regex` is re.match: anchored at the start only.
  deployment_mode: { type: 'string', pattern: '^(cloud|oss)$' },
};
const semverField: Schema = { type: 'string', pattern: `^${SEMVER}` };
const backwardCompatibility = model({
  previous_connector_version: semverField,
  disable_for_version: semverField,
});
const namedBypass = model({ name: str, bypass_reason: str }, ['name']);
const clientContainer = model({
  secrets_path: str,
  client_container_dockerfile_path: str,
  setup_command: strings,
  teardown_command: strings,
  between_syncs_command: strings,
  final_teardown_command: strings,
});

const spec = model({
  spec_path: str,
  config_path: str,
  ...common,
  backward_compatibility_tests_config: backwardCompatibility,
  auth_default_method: model({ oauth: bool, bypass_reason: str }),
});
const connection = model({
  config_path: str,
  status: { enum: ['succeed', 'failed', 'exception'] },
  ...common,
});
const discovery = model({
  config_path: str,
  ...common,
  backward_compatibility_tests_config: backwardCompatibility,
  validate_primary_keys_data_type: bool,
});
const expectedRecords = model({ bypass_reason: str, path: str, exact_order: bool });
const basicRead = model({
  config_path: str,
  deployment_mode: common.deployment_mode,
  configured_catalog_path: str,
  empty_streams: { type: 'array', items: namedBypass },
  expect_records: expectedRecords,
  validate_schema: bool,
  validate_stream_statuses: bool,
  validate_state_messages: bool,
  validate_primary_keys_data_type: bool,
  fail_on_extra_columns: bool,
  validate_data_points: bool,
  expect_trace_message_on_failure: bool,
  timeout_seconds: common.timeout_seconds,
  file_types: model({
    bypass_reason: str,
    unsupported_types: { type: 'array', items: model({ extension: str, bypass_reason: str }, ['extension']) },
    skip_test: bool,
  }),
  client_container_config: clientContainer,
});
const fullRefresh = model({
  config_path: str,
  configured_catalog_path: str,
  ...common,
  ignored_fields: { type: 'object', additionalProperties: { type: 'array', items: namedBypass } },
  client_container_config: clientContainer,
});
const incremental = model({
  config_path: str,
  configured_catalog_path: str,
  future_state: model({
    future_state_path: str,
    missing_streams: { type: 'array', items: namedBypass },
    bypass_reason: str,
    cursor_format: model({
      format: str,
      streams: { type: 'array', items: model({ name: str, format: str }, ['name']) },
    }),
  }),
  ...common,
  skip_comprehensive_incremental_tests: bool,
  client_container_config: clientContainer,
});
const connectorAttributes = model({
  timeout_seconds: common.timeout_seconds,
  config_path: str,
  streams_without_primary_key: { type: 'array', items: namedBypass },
  allowed_hosts: model({ bypass_reason: str }),
  suggested_streams: model({ bypass_reason: str }),
});
const documentation = model({ timeout_seconds: common.timeout_seconds, config_path: str });

/** GenericTestConfig: a pydantic GenericModel without `extra = "forbid"` (unknown keys are ignored). */
function suite(test: Schema): Schema {
  return { type: 'object', properties: { bypass_reason: str, tests: { type: 'array', items: test } } };
}

export const CAT_CONFIG_SCHEMA: Schema = model(
  {
    connector_image: str,
    base_path: str,
    test_strictness_level: { enum: ['high', 'low'] },
    custom_environment_variables: { type: 'object' },
    acceptance_tests: model({
      spec: suite(spec),
      connection: suite(connection),
      discovery: suite(discovery),
      basic_read: suite(basicRead),
      full_refresh: suite(fullRefresh),
      incremental: suite(incremental),
      connector_attributes: suite(connectorAttributes),
      connector_documentation: suite(documentation),
      client_container_config: clientContainer,
    }),
  },
  ['connector_image', 'acceptance_tests'],
);

type Json = Record<string, unknown>;
type Suite = { bypass_reason?: string; tests?: Json[] };

/** The test suites CAT requires at "high" strictness (BaseTest.MANDATORY_FOR_TEST_STRICTNESS_LEVELS). */
export const HIGH_STRICTNESS_SUITES = [
  'spec',
  'connection',
  'discovery',
  'basic_read',
  'full_refresh',
  'incremental',
];

/** The model's validators (pydantic @validator), which a JSON Schema does not express. */
function validatorProblems(config: Json): string[] {
  const problems: string[] = [];
  const suites = (config.acceptance_tests ?? {}) as Record<string, Suite>;
  for (const [name, s] of Object.entries(suites)) {
    if (s.tests?.length && s.bypass_reason)
      problems.push(`${name}: a bypass_reason cannot be set when tests are set`);
    for (const test of s.tests ?? []) {
      const records = test.expect_records as Json | undefined;
      if (records?.path && records.bypass_reason)
        problems.push(`${name}: expect_records has both path and bypass_reason`);
      if (records && !records.path && !records.bypass_reason)
        problems.push(`${name}: expect_records needs a path or a bypass_reason`);
      const auth = test.auth_default_method as Json | undefined;
      if (auth?.oauth === false && !auth.bypass_reason)
        problems.push(`${name}: auth_default_method.oauth false needs a bypass_reason`);
      const fileTypes = test.file_types as Json | undefined;
      if (fileTypes?.skip_test && fileTypes.unsupported_types)
        problems.push(`${name}: file_types.unsupported_types cannot be set when the test is skipped`);
      if (fileTypes && !fileTypes.skip_test && fileTypes.bypass_reason !== undefined)
        problems.push(`${name}: file_types.bypass_reason needs skip_test`);
      for (const type of (fileTypes?.unsupported_types ?? []) as { extension: string }[])
        if (!type.extension.startsWith('.') || type.extension.length < 2)
          problems.push(`${name}: unsupported file type ${type.extension} is not an extension`);
    }
  }
  return problems;
}

/** What the tests fail on at "high" strictness, whatever the model accepts. */
function highStrictnessProblems(config: Json): string[] {
  if (config.test_strictness_level !== 'high') return [];
  const suites = (config.acceptance_tests ?? {}) as Record<string, Suite>;
  const problems = HIGH_STRICTNESS_SUITES.filter(
    (name) => !suites[name]?.tests?.length && !suites[name]?.bypass_reason,
  ).map((name) => `high strictness: ${name} must have tests or a bypass_reason`);
  for (const test of suites.basic_read?.tests ?? []) {
    if (test.configured_catalog_path)
      problems.push('high strictness: basic_read reads the discovered catalog, not configured_catalog_path');
    if (!test.expect_records)
      problems.push('high strictness: basic_read needs expect_records (a path or a bypass_reason)');
    if (test.validate_schema === false) problems.push('high strictness: basic_read must validate the schema');
    for (const empty of (test.empty_streams ?? []) as Json[])
      if (!empty.bypass_reason)
        problems.push(`high strictness: empty stream ${String(empty.name)} needs a bypass_reason`);
  }
  for (const test of suites.incremental?.tests ?? []) {
    const future = test.future_state as Json | undefined;
    if (!future?.future_state_path && !future?.bypass_reason)
      problems.push('high strictness: incremental needs a future_state path or a bypass_reason');
    for (const missing of (future?.missing_streams ?? []) as Json[])
      if (!missing.bypass_reason)
        problems.push(`high strictness: missing stream ${String(missing.name)} needs a bypass_reason`);
  }
  return problems;
}

let compiled: ValidateFunction | undefined;

/** Every problem CAT would raise while loading (and, at high strictness, running) this configuration. */
export function catConfigProblems(config: unknown): string[] {
  compiled ??= new Ajv({ allErrors: true, strict: true }).compile(CAT_CONFIG_SCHEMA);
  const validate = compiled;
  if (!validate(config))
    return (validate.errors ?? []).map(
      (e: ErrorObject) =>
        `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
    );
  return [...validatorProblems(config as Json), ...highStrictnessProblems(config as Json)];
}
