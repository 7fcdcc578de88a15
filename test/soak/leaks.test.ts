import { findLeaks } from './leaks.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJlc2lnbg';
const REFRESH = `1.A${'x'.repeat(64)}`;

describe('findLeaks (the detector the fault, bad-input and soak suites rely on)', () => {
  test.each([
    ['a raw secret', 'value s3cr3t/Value+1 here', 's3cr3t/Value+1'],
    ['a URL-encoded secret', 'value s3cr3t%2FValue%2B1 here', 's3cr3t/Value+1'],
    ['a JSON-escaped secret', '{"m":"a\\"quoted\\"secret"}', 'a"quoted"secret'],
    ['a JWT', `Bearer ${JWT}`, 'unrelated-secret'],
    ['a refresh token', `token=${REFRESH}`, 'unrelated-secret'],
  ])('finds %s', (_label, text, secret) => {
    expect(findLeaks({ stdout: '', stderr: text }, [secret])).not.toEqual([]);
    expect(findLeaks({ stdout: text, stderr: '' }, [secret])).not.toEqual([]);
  });

  test('finds a line of a PEM key body', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    const key = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`;
    expect(findLeaks({ stdout: `x ${body} y`, stderr: '' }, [key])).not.toEqual([]);
  });

  test('ignores CONTROL messages (they carry the rotated config on purpose) and clean output', () => {
    const control = `{"type":"CONTROL","control":{"connectorConfig":{"config":{"refresh_token":"${REFRESH}"}}}}`;
    expect(findLeaks({ stdout: `${control}\n{"type":"LOG"}`, stderr: 'all fine' }, ['s3cr3t-value'])).toEqual(
      [],
    );
  });
});
