import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLOUD_NAMES, resolveEndpoints } from '../../../src/auth/clouds.js';
import { metadataErrors, metadataSchemaAvailable, readMetadata } from '../../helpers/packaging-metadata.js';
import { repoRoot } from '../../helpers/paths.js';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const spec = JSON.parse(readFileSync(path.join(repoRoot, 'spec.json'), 'utf8')) as {
  documentationUrl: string;
};

const describeSchema = metadataSchemaAvailable ? describe : describe.skip;

describeSchema('metadata.yaml against the official connector metadata schema', () => {
  test('validates', () => {
    expect(metadataErrors(readMetadata())).toEqual([]);
  });

  test.each([
    [
      'the old registries key',
      (m: Record<string, unknown>) => ({ ...m, registries: { oss: { enabled: true } } }),
    ],
    [
      'a definitionId that is not a UUID',
      (m: Record<string, unknown>) => ({ ...m, definitionId: 'powerbi' }),
    ],
    ['an unknown connector subtype', (m: Record<string, unknown>) => ({ ...m, connectorSubtype: 'rest' })],
    ['no documentation URL', ({ documentationUrl: _omit, ...m }: Record<string, unknown>) => m],
  ])('rejects %s (the validator is live)', (_name, mutate) => {
    const metadata = readMetadata();
    expect(metadataErrors({ ...metadata, data: mutate(metadata.data) }).length).toBeGreaterThan(0);
  });
});

describe('metadata.yaml agrees with the package', () => {
  const { data } = readMetadata();

  test('image tag is the package version; documentation URL is the spec one', () => {
    expect(data.dockerImageTag).toBe(pkg.version);
    expect(data.documentationUrl).toBe(spec.documentationUrl);
  });

  test('a source of subtype api, written in TypeScript, with a fixed definition id', () => {
    expect(data.connectorType).toBe('source');
    expect(data.connectorSubtype).toBe('api');
    expect(data.tags).toContain('language:typescript');
    expect(data.definitionId).toBe('6f3f1c2e-8d4b-4f4e-9a51-2b7d6c0e9a13');
  });

  test("allowed hosts cover every cloud's sign-in and API host", () => {
    const hosts = new Set(data.allowedHosts?.hosts ?? []);
    for (const cloud of CLOUD_NAMES) {
      const endpoints = resolveEndpoints({ cloud });
      for (const url of [endpoints.authorityHost, endpoints.apiBaseUrl]) {
        expect({ cloud, host: new URL(url).hostname, allowed: hosts.has(new URL(url).hostname) }).toEqual({
          cloud,
          host: new URL(url).hostname,
          allowed: true,
        });
      }
    }
  });

  test('no build options: they only describe Airbyte base images, which this Node image does not use', () => {
    expect(data.connectorBuildOptions).toBeUndefined();
  });
});
