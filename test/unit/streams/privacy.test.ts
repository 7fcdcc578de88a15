/**
 * The userIdentifiers option over the Power BI sample (../shared, when present) and a simulated
 * scan: no person's e-mail, UPN, object id or display name survives hash or drop anywhere; hashes
 * still join across streams; groups and apps stay readable; keys stay present and stable. The
 * sample's own people, groups and apps are checked by name when the sample is there.
 */
import { createHash } from 'node:crypto';
import type { ScanResult, ScanUser } from '../../../src/powerbi/scan-types.js';
import { scanStreams } from '../../../src/streams/registry.js';
import { context, mapAll, mapScan, scanStream } from './map-scan.js';
import { loadSample, referenceScans, sampleAvailable } from './scan-fixtures.js';

const sha = (value: string) => createHash('sha256').update(value.toLowerCase(), 'utf8').digest('hex');

/** Every value of a scan that identifies a person, gathered from the raw JSON. */
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

type Row = Record<string, unknown>;

/** Rows of one stream mapped with keep and with another mode, side by side (mapping keeps the order). */
async function pairs(stream: string, scan: ScanResult, mode: 'hash' | 'drop'): Promise<[Row, Row][]> {
  const kept = await mapScan(scanStream(stream), scan, context({ userIdentifiers: 'keep' }));
  const other = await mapScan(scanStream(stream), scan, context({ userIdentifiers: mode }));
  expect(other).toHaveLength(kept.length);
  return kept.map((row, i) => [row, other[i]!]);
}

const hashOrNull = (value: unknown) => (typeof value === 'string' ? sha(value) : null);

describe.each(referenceScans().map((f) => [f.label, f.result] as const))(
  'userIdentifiers privacy option over the %s',
  (_label, scan) => {
    const people = [...personalValues(scan)];

    it('finds people to protect', () => {
      expect(people.length).toBeGreaterThan(0);
    });

    it.each(['hash', 'drop'] as const)('%s leaves no personal value in any stream', async (mode) => {
      const output = JSON.stringify([
        ...(await mapAll(scanStreams, scan, context({ userIdentifiers: mode }))).values(),
      ]);
      for (const value of people) expect(output.toLowerCase()).not.toContain(value.toLowerCase());
    });

    it('keep leaves them as Power BI returns them', async () => {
      const output = JSON.stringify([
        ...(await mapAll(scanStreams, scan, context({ userIdentifiers: 'keep' }))).values(),
      ]);
      for (const value of people) expect(output).toContain(value);
    });

    it('hash is the SHA-256 of the lower-cased value, so people still join across streams', async () => {
      const users = (await pairs('artifact_access', scan, 'hash')).filter(
        ([kept]) => kept.principalType === 'User',
      );
      expect(users.length).toBeGreaterThan(0);
      for (const [kept, hashed] of users) {
        expect(hashed).toMatchObject({
          identifier: hashOrNull(kept.identifier),
          emailAddress: hashOrNull(kept.emailAddress),
        });
        if (kept.identifier) expect(hashed.principalId).toBe(hashed.identifier);
      }
      const reports = (await pairs('reports', scan, 'hash')).filter(([kept]) => kept.createdBy);
      expect(reports.length).toBeGreaterThan(0);
      for (const [kept, hashed] of reports) {
        expect(hashed.createdBy).toBe(sha(kept.createdBy as string));
        expect(hashed.createdById).toBe(hashOrNull(kept.createdById));
      }
      const identifiers = new Set(users.map(([, hashed]) => hashed.identifier));
      expect(reports.some(([, hashed]) => identifiers.has(hashed.createdBy))).toBe(true);
    });

    it('drop nulls people but keeps a hashed key, groups and apps', async () => {
      const rows = await pairs('artifact_access', scan, 'drop');
      const users = rows.filter(([kept]) => kept.principalType === 'User');
      expect(users.length).toBeGreaterThan(0);
      for (const [, dropped] of users) {
        expect(dropped).toMatchObject({
          identifier: null,
          emailAddress: null,
          displayName: null,
          graphId: null,
        });
        expect(dropped.principalId).toMatch(/^[0-9a-f]{64}$/);
      }
      const others = rows.filter(([kept]) => kept.principalType === 'Group' || kept.principalType === 'App');
      expect(others.map(([kept]) => kept.principalType)).toEqual(expect.arrayContaining(['Group', 'App']));
      for (const [kept, dropped] of others) expect(dropped).toEqual(kept);
    });

    it('keeps role members that are groups and hides those that are people', async () => {
      const members = (await pairs('datasets', scan, 'drop')).flatMap(([kept, dropped]) => {
        type Member = { memberName: string | null; memberType: string };
        const of = (row: Row) =>
          ((row.roles ?? []) as { members: Member[] | null }[]).flatMap((r) => r.members ?? []);
        const droppedMembers = of(dropped);
        return of(kept).map((member, i) => [member, droppedMembers[i]!] as const);
      });
      expect(members.map(([kept]) => kept.memberType)).toEqual(expect.arrayContaining(['User', 'Group']));
      for (const [kept, dropped] of members) {
        if (kept.memberType === 'User') expect(dropped.memberName).toBeNull();
        if (kept.memberType === 'Group') expect(dropped.memberName).toBe(kept.memberName);
      }
    });

    it('gives the same keys on every run and the same key for differently cased e-mails', async () => {
      const stream = scanStream('artifact_access');
      const keys = async (result: ScanResult) =>
        (await mapScan(stream, result, context({ userIdentifiers: 'hash' }))).map((r) => r.principalId);
      const email = people.find((value) => value.includes('@'))!;
      const upper = JSON.parse(JSON.stringify(scan).replaceAll(email, email.toUpperCase())) as ScanResult;
      expect(upper).not.toEqual(scan);
      expect(await keys(scan)).toEqual(await keys(structuredClone(scan)));
      expect(await keys(upper)).toEqual(await keys(scan));
    });
  },
);

(sampleAvailable ? describe : describe.skip)('userIdentifiers over the Power BI sample, by name', () => {
  const sample = sampleAvailable ? loadSample() : {};

  it('finds the sample people to protect', () => {
    expect([...personalValues(sample)]).toEqual(
      expect.arrayContaining(['john@contoso.com', 'Ana Gómez', 'iot-ingest@contoso.com']),
    );
  });

  it("hashes John's e-mail and object id where he owns and created a report", async () => {
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

  it('drop keeps the group Sales Readers and the scanner app by name', async () => {
    const access = await mapScan(scanStream('artifact_access'), sample, context({ userIdentifiers: 'drop' }));
    const group = access.find((r) => r.principalType === 'Group');
    expect(group).toMatchObject({
      displayName: 'Sales Readers',
      principalId: '9c350ab8-5e78-552b-8a35-5bce33eca392',
    });
    const app = access.find((r) => r.principalType === 'App');
    expect(app?.displayName).toBe('Contoso Catalog Scanner');
  });

  it('drop keeps the Sales Model role member group and hides the person', async () => {
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
});
