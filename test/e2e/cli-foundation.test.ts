import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import { repoRoot } from '../helpers/paths.js';

// Each case is its own process: they run concurrently.

function errorTrace(messages: Record<string, unknown>[]): { message: string; failure_type: string } {
  const trace = messages.find((m) => m.type === 'TRACE') as {
    trace: { type: string; error: { message: string; failure_type: string } };
  };
  expect(trace?.trace.type).toBe('ERROR');
  return trace.trace.error;
}

// Without ../shared only the schema validation inside expectProtocolLines is skipped (one notice per run).
describe('CLI as Airbyte runs it (validated against the official protocol schema)', () => {
  test.concurrent(
    'spec prints exactly one SPEC equal to spec.json, whose connectionSpecification compiles with ajv',
    async () => {
      const result = await runCli(['spec']);
      expect(result.code).toBe(0);
      const messages = expectProtocolLines(result.stdout);
      expect(messages).toHaveLength(1);
      expect(messages[0]!.type).toBe('SPEC');
      const committed = JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(messages[0]!.spec).toEqual(committed);
      const ajv = new Ajv({ strict: false });
      expect(() => ajv.compile(committed.connectionSpecification as object)).not.toThrow();
    },
  );

  test.concurrent.each([
    [['frobnicate'], /Unknown command "frobnicate"/],
    [[], /No command given/],
    [['read', '--config'], /needs a file path/],
    [['discover'], /discover needs --config FILE/],
  ])('%j gives a config_error TRACE, a non-zero exit and a one-line hint', async (args, pattern) => {
    const result = await runCli(args);
    expect(result.code).not.toBe(0);
    const error = errorTrace(expectProtocolLines(result.stdout));
    expect(error.failure_type).toBe('config_error');
    expect(error.message).toMatch(pattern);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/config_error/);
  });

  test.concurrent('a missing config file is a config_error naming the path', async () => {
    const result = await runCli(['discover', '--config', '/nonexistent/config.json']);
    expect(result.code).toBe(1);
    const error = errorTrace(expectProtocolLines(result.stdout));
    expect(error.failure_type).toBe('config_error');
    expect(error.message).toContain('/nonexistent/config.json');
  });

  test.concurrent('invalid JSON in the catalog is a config_error that does not echo the file', async () => {
    const inputs = await writeInputs({ config: '{"a": 1}', catalog: '{"streams": [ SECRET-LOOKING-TEXT' });
    const result = await runCli(['read', '--config', inputs.config!, '--catalog', inputs.catalog!]);
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain('SECRET-LOOKING-TEXT');
  });
});
