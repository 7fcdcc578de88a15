/**
 * The userIdentifiers option over the Power BI sample: no person's e-mail, UPN, object id or
 * display name survives hash or drop anywhere; hashes still join across streams; groups and apps
 * stay readable; keys stay present and stable.
 */
import { createHash } from 'node:crypto';
import type { ScanResult, ScanUser } from '../../../src/powerbi/scan-types.js';
import { scanStreams } from '../../../src/streams/registry.js';
import { context, mapAll, mapScan, scanStream } from './map-scan.js';
import { loadSample, sharedAvailable } from './scan-fixtures.js';

const sha = (value: string) => createHash('sha256').update(value.toLowerCase(), 'utf8').digest('hex');

/** Every value of the sample that identifies a person, gathered from the raw JSON. */
function personalValues(result: ScanResult): Set<string> {
  const values = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const item = node as Record<string, unknown> & ScanUser;
    if (item.principalType === 'User') {
      for (const key of ['emailAddress', 'identifier', 'graphId', 'displayName'] as const) {
        if (typeof item[key] === 'string') values.add(item[key]);
      }
    }
    for (const key of [
      'configuredBy',
      'createdBy',
      'modifiedBy',
      'certifiedBy',
      'createdById',
      'modifiedById',
    ]) {
      if (typeof item[key] === 'string') values.add(item[key]);
    }
    Object.values(item).forEach(visit);
  };
  visit(result);
  return values;
}

(sharedAvailable ? describe : describe.skip)('userIdentifiers privacy option', () => {
  const sample = loadSample();
  const people = [...personalValues(sample)];

  it('finds people in the sample to protect', () => {
    expect(people).toEqual(
      expect.arrayContaining(['john@contoso.com', 'Ana Gómez', 'iot-ingest@contoso.com']),
    );
  });

  it.each(['hash', 'drop'] as const)('%s leaves no personal value in any stream', async (mode) => {
    const output = JSON.stringify([
      ...(await mapAll(scanStreams, sample, context({ userIdentifiers: mode }))).values(),
    ]);
    for (const value of people) expect(output.toLowerCase()).not.toContain(value.toLowerCase());
  });

  it('keep leaves them as Power BI returns them', async () => {
    const output = JSON.stringify([
      ...(await mapAll(scanStreams, sample, context({ userIdentifiers: 'keep' }))).values(),
    ]);
    for (const value of people) expect(output).toContain(value);
  });

  it('hash is the SHA-256 of the lower-cased value, so people still join across streams', async () => {
    const ctx = context({ userIdentifiers: 'hash' });
    const access = await mapScan(scanStream('artifact_access'), sample, ctx);
    const reports = await mapScan(scanStream('reports'), sample, ctx);
    const john = access.find(
      (r) => r.artifactType === 'report' && r.accessRight === 'Owner' && r.principalType === 'User',
    );
    expect(john).toMatchObject({
      identifier: sha('john@contoso.com'),
      emailAddress: sha('john@contoso.com'),
    });
    expect(john?.principalId).toBe(john?.identifier);
    const overview = reports.find((r) => r.name === 'Sales Overview');
    expect(overview?.createdBy).toBe(john?.identifier);
    expect(overview?.createdById).toBe(sha('a0bf0657-a0a9-5df8-92d6-1bbc9e3ead18'));
  });

  it('drop nulls people but keeps a hashed key, groups and apps', async () => {
    const access = await mapScan(scanStream('artifact_access'), sample, context({ userIdentifiers: 'drop' }));
    const users = access.filter((r) => r.principalType === 'User');
    expect(users.length).toBeGreaterThan(0);
    for (const row of users) {
      expect(row).toMatchObject({ identifier: null, emailAddress: null, displayName: null, graphId: null });
      expect(row.principalId).toMatch(/^[0-9a-f]{64}$/);
    }
    const group = access.find((r) => r.principalType === 'Group');
    expect(group).toMatchObject({
      displayName: 'Sales Readers',
      principalId: '9c350ab8-5e78-552b-8a35-5bce33eca392',
    });
    const app = access.find((r) => r.principalType === 'App');
    expect(app?.displayName).toBe('Contoso Catalog Scanner');
  });

  it('keeps role members that are groups and hides those that are people', async () => {
    const [model] = (
      await mapScan(scanStream('datasets'), sample, context({ userIdentifiers: 'drop' }))
    ).filter((d) => d.name === 'Sales Model');
    const members = (model?.roles as { members: { memberName: string | null; memberType: string }[] }[])[0]
      ?.members;
    expect(members).toEqual([
      expect.objectContaining({ memberType: 'User', memberName: null }),
      expect.objectContaining({ memberType: 'Group', memberName: 'sales-managers@contoso.com' }),
    ]);
  });

  it('gives the same keys on every run and the same key for differently cased e-mails', async () => {
    const stream = scanStream('artifact_access');
    const keys = async (result: ScanResult) =>
      (await mapScan(stream, result, context({ userIdentifiers: 'hash' }))).map((r) => r.principalId);
    const upper = JSON.parse(
      JSON.stringify(sample).replaceAll('john@contoso.com', 'John@Contoso.com'),
    ) as ScanResult;
    expect(await keys(sample)).toEqual(await keys(loadSample()));
    expect(await keys(upper)).toEqual(await keys(sample));
  });
});
