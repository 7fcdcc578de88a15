import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { imageNodeFlags } from '../../../scripts/bench/image-flags.js';
import {
  collect,
  entrypointOf,
  isIgnored,
  keyValues,
  lastOf,
  parseDockerfile,
  readDockerfile,
} from '../../helpers/packaging-dockerfile.js';
import { readMetadata } from '../../helpers/packaging-metadata.js';
import { repoRoot } from '../../helpers/paths.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const stages = readDockerfile();
const run = stages.at(-1)!;
const { data } = readMetadata();

describe('Dockerfile agrees with metadata.yaml and package.json', () => {
  test('labels io.airbyte.name / io.airbyte.version are the docker repository and tag, tag = package version', () => {
    const labels = collect(run, 'LABEL');
    expect(labels['io.airbyte.name']).toBe(data.dockerRepository);
    expect(labels['io.airbyte.version']).toBe(data.dockerImageTag);
    expect(labels['io.airbyte.version']).toBe(pkg.version);
  });

  test('AIRBYTE_ENTRYPOINT is the ENTRYPOINT joined by spaces: node, its memory flags, the script by absolute path', () => {
    const entrypoint = entrypointOf(run);
    expect(collect(run, 'ENV').AIRBYTE_ENTRYPOINT).toBe(entrypoint.join(' '));
    expect(entrypoint[0]).toBe('/usr/local/bin/node');
    expect(entrypoint.at(-1)).toBe(`${lastOf(run, 'WORKDIR')}/dist/main.js`);
    expect(entrypoint.slice(1, -1)).toEqual(['--heap-growing-percent=50']);
    // The benchmark runs the connector with the same flags (scripts/bench/image-flags.ts).
    expect(imageNodeFlags(readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8'))).toEqual(
      entrypoint.slice(1, -1),
    );
  });

  test('acceptance tests target the same docker repository', () => {
    const cat = parseYaml(readFileSync(path.join(repoRoot, 'acceptance-test-config.yml'), 'utf8')) as {
      connector_image: string;
    };
    expect(cat.connector_image.split(':')[0]).toBe(data.dockerRepository);
  });
});

describe('Dockerfile conventions', () => {
  test('two stages on the same official Node LTS slim image pinned to an exact version', () => {
    expect(stages.length).toBe(2);
    for (const stage of stages)
      expect(stage.from).toMatch(/^node:(20|22|24)\.\d+\.\d+-(bookworm|bullseye)-slim$/);
    expect(new Set(stages.map((s) => s.from)).size).toBe(1);
    expect(stages[0]!.from.split(':')[1]!.split('-')[0]).toBe(process.versions.node);
  });

  test('the run stage installs production dependencies only and takes dist/ from the build stage', () => {
    const runs = run.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
    expect(runs.some((r) => /npm ci --omit=dev/.test(r))).toBe(true);
    expect(runs.some((r) => /npm ci(?! --omit=dev)/.test(r.replace(/npm ci --omit=dev/g, '')))).toBe(false);
    const copies = run.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toContain(`--from=${stages[0]!.name} /build/dist ./dist`);
    expect(copies).toEqual(expect.arrayContaining(['spec.json ./', 'schemas ./schemas']));
    expect(collect(run, 'ENV').NODE_ENV).toBe('production');
  });

  test('runs as the non-root user airbyte with uid 1000, owning /airbyte', () => {
    expect(lastOf(run, 'USER')).toBe('airbyte');
    const setup = run.instructions
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' && ');
    // The node image's user "node" has uid 1000; renaming it keeps that uid for airbyte.
    expect(setup).toMatch(/usermod --login airbyte [^&]*\bnode\b/);
    expect(setup).toMatch(/chown -R airbyte:airbyte \/airbyte(\s|$)/);
    expect(lastOf(run, 'WORKDIR')).toMatch(/^\/airbyte\//);
    const userIndex = run.instructions.findIndex((i) => i.keyword === 'USER');
    expect(run.instructions.slice(userIndex).some((i) => i.keyword === 'RUN')).toBe(false);
  });
});

describe('the Dockerfile reader', () => {
  test('joins continuations, skips comments, names stages, reads ENV/LABEL pairs and exec entrypoints', () => {
    const parsed = parseDockerfile(
      'FROM a:1 AS one\n# note\nRUN x \\\n  && y\nFROM b:2\nENV K="v w" L=x\nLABEL k=v\nENTRYPOINT ["/bin/p", "/q"]\n',
    );
    expect(parsed.map((s) => [s.name, s.from])).toEqual([
      ['one', 'a:1'],
      ['1', 'b:2'],
    ]);
    expect(parsed[0]!.instructions).toEqual([{ keyword: 'RUN', args: 'x && y' }]);
    expect(collect(parsed[1]!, 'ENV')).toEqual({ K: 'v w', L: 'x' });
    expect(keyValues('NODE_ENV production')).toEqual({ NODE_ENV: 'production' });
    expect(entrypointOf(parsed[1]!)).toEqual(['/bin/p', '/q']);
    expect(() => entrypointOf(parseDockerfile('FROM a\nENTRYPOINT node main.js\n')[0]!)).toThrow(/exec/);
  });
});

describe('.dockerignore', () => {
  test('keeps the build inputs and leaves out dependencies, outputs, tests and secrets', () => {
    for (const kept of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'src/main.ts',
      'spec.json',
      'schemas/workspaces.json',
    ])
      expect({ kept, ignored: isIgnored(kept) }).toEqual({ kept, ignored: false });
    for (const dropped of [
      'node_modules/ajv/package.json',
      'dist/main.js',
      'test/e2e/read.test.ts',
      'secrets/config.json',
      'integration_tests/secrets/config.json',
      'README.md',
      '.git/HEAD',
      'simulator/index.ts',
    ])
      expect({ dropped, ignored: isIgnored(dropped) }).toEqual({ dropped, ignored: true });
  });
});
