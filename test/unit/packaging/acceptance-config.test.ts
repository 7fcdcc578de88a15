/**
 * acceptance-test-config.yml against the configuration model of Airbyte's connector acceptance tests
 * (version recorded in CAT_MODEL_SOURCE), its file references, and the tenant's hourly budget of
 * admin/workspaces/modified calls.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CAT_MODEL_SOURCE, catConfigProblems } from '../../helpers/cat-config-model.js';
import { repoRoot } from '../../helpers/paths.js';

type Json = Record<string, unknown>;
type Tests = Json[];

const configPath = path.join(repoRoot, 'acceptance-test-config.yml');
const config = parseYaml(readFileSync(configPath, 'utf8')) as Json & {
  acceptance_tests: Record<string, { tests: Tests }>;
};
const suites = config.acceptance_tests;

/** Power BI: 30 GetModifiedWorkspaces calls per hour and app (docs/deploy.md). */
const MODIFIED_CALLS_PER_HOUR = 30;
/**
 * CAT's sequential-slices test reads an incremental stream once, then again from at most 7 of its
 * checkpoints (5 sampled, first and last skipped; 7 when there are 9 of them).
 */
const READS_PER_SLICED_STREAM = 1 + 7;

function edited(change: (copy: typeof config) => void): unknown {
  const copy = structuredClone(config);
  change(copy);
  return copy;
}

function catalogStreams(
  relativePath: string,
): { sync_mode: string; stream: { supported_sync_modes: string[] } }[] {
  return (JSON.parse(readFileSync(path.join(repoRoot, relativePath), 'utf8')) as { streams: never[] })
    .streams;
}

describe(`acceptance-test-config.yml (CAT config model ${CAT_MODEL_SOURCE.catVersion}, ${CAT_MODEL_SOURCE.commit.slice(0, 7)})`, () => {
  test('sits at the connector root, where CAT reads it, and nowhere else', () => {
    expect(existsSync(configPath)).toBe(true);
    expect(existsSync(path.join(repoRoot, 'integration_tests', 'acceptance-test-config.yml'))).toBe(false);
  });

  test('is valid for the current CAT config model at high strictness', () => {
    expect(config.test_strictness_level).toBe('high');
    expect(catConfigProblems(config)).toEqual([]);
  });

  test('the model refuses what older CAT versions took, and what high strictness forbids', () => {
    const withOldFlags = edited((c) => {
      const records = c.acceptance_tests.basic_read!.tests[0]!.expect_records as Json;
      records.extra_fields = true;
      records.extra_records = false;
    });
    expect(catConfigProblems(withOldFlags).join('\n')).toMatch(/extra_fields|extra_records/);
    const bothPathAndBypass = edited((c) => {
      (c.acceptance_tests.basic_read!.tests[0]!.expect_records as Json).bypass_reason = 'no';
    });
    expect(catConfigProblems(bothPathAndBypass)).toEqual([
      'basic_read: expect_records has both path and bypass_reason',
    ]);
    const customCatalog = edited((c) => {
      c.acceptance_tests.basic_read!.tests[0]!.configured_catalog_path =
        'integration_tests/configured_catalog.json';
    });
    expect(catConfigProblems(customCatalog).join('\n')).toMatch(/discovered catalog/);
    const noFutureState = edited((c) => {
      delete c.acceptance_tests.incremental!.tests[0]!.future_state;
    });
    expect(catConfigProblems(noFutureState).join('\n')).toMatch(/future_state/);
    expect(catConfigProblems(edited((c) => (c.tests = {}))).join('\n')).toMatch(
      /additional properties \(tests\)/,
    );
    expect(
      catConfigProblems(edited((c) => (c.acceptance_tests.connection!.tests[1]!.status = 'failure'))),
    ).not.toEqual([]);
  });

  test('every file it names exists in the repository (secrets/ is the tenant config, never committed)', () => {
    const paths = Object.values(suites)
      .flatMap((s) => s.tests)
      .flatMap((t) => [
        t.spec_path,
        t.config_path,
        t.configured_catalog_path,
        (t.expect_records as Json | undefined)?.path,
        (t.future_state as Json | undefined)?.future_state_path,
      ])
      .filter((p): p is string => typeof p === 'string');
    for (const file of paths) {
      const resolved = path.resolve(repoRoot, file);
      expect(resolved.startsWith(repoRoot + path.sep)).toBe(true);
      if (!file.startsWith('secrets/'))
        expect({ file, exists: existsSync(resolved) }).toEqual({ file, exists: true });
    }
  });

  test(`a whole CAT session stays within the ${MODIFIED_CALLS_PER_HOUR} modified calls an hour`, () => {
    const succeedingChecks = suites.connection!.tests.filter((t) => t.status === 'succeed').length;
    const basicReads = suites.basic_read!.tests.length;
    const fullRefreshReads = 2 * suites.full_refresh!.tests.length;
    const incrementalReads = suites
      .incremental!.tests.map((t) => {
        const streams = catalogStreams(String(t.configured_catalog_path)).filter((s) =>
          s.stream.supported_sync_modes.includes('incremental'),
        );
        const futureState = (t.future_state as Json | undefined)?.future_state_path ? 1 : 0;
        return 2 + streams.length * READS_PER_SLICED_STREAM + futureState;
      })
      .reduce((a, b) => a + b, 0);
    const calls = succeedingChecks + basicReads + fullRefreshReads + incrementalReads;
    expect(calls).toBeLessThanOrEqual(MODIFIED_CALLS_PER_HOUR / 2);
    expect(readFileSync(configPath, 'utf8')).toContain(`makes at most ${calls}`);
  });
});
