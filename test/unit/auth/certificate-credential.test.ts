import { createPrivateKey } from 'node:crypto';
import { certificateCredential } from '../../../src/auth/certificate-credential.js';
import { createClientCertificate } from '../../../simulator/entra/certificates.js';

const cert = createClientCertificate('CN=unit');
const other = createClientCertificate('CN=other');

function failure(input: Parameters<typeof certificateCredential>[0]): string {
  try {
    certificateCredential(input);
  } catch (error) {
    expect(error).toMatchObject({ failureType: 'config_error' });
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('certificateCredential', () => {
  test('computes the SHA-256 thumbprint from the certificate and normalises the key to PKCS#8', () => {
    const pkcs1 = createPrivateKey(cert.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    const result = certificateCredential({ private_key: pkcs1, certificate: cert.certificatePem });
    expect(result.thumbprintSha256).toBe(cert.thumbprintSha256Hex);
    expect(result.thumbprint).toBeUndefined();
    expect(result.privateKey).toContain('-----BEGIN PRIVATE KEY-----');
  });

  test('finds a certificate pasted into private_key', () => {
    const result = certificateCredential({ private_key: `${cert.certificatePem}${cert.privateKeyPem}` });
    expect(result.thumbprintSha256).toBe(cert.thumbprintSha256Hex);
  });

  test('accepts SHA-256 or SHA-1 hex thumbprints with colons and upper case', () => {
    const colons = (hex: string) => hex.toUpperCase().match(/../g)?.join(':') ?? '';
    expect(
      certificateCredential({ private_key: cert.privateKeyPem, thumbprint: colons(cert.thumbprintSha256Hex) })
        .thumbprintSha256,
    ).toBe(cert.thumbprintSha256Hex);
    expect(
      certificateCredential({ private_key: cert.privateKeyPem, thumbprint: colons(cert.thumbprintSha1Hex) })
        .thumbprint,
    ).toBe(cert.thumbprintSha1Hex);
  });

  test('explains each unusable input without echoing it', () => {
    expect(failure({ private_key: cert.privateKeyPem })).toContain(
      'Give credentials.certificate (PEM) or credentials.thumbprint',
    );
    expect(failure({ private_key: cert.privateKeyPem, thumbprint: 'abcd' })).toContain(
      'credentials.thumbprint must be',
    );
    expect(failure({ private_key: 'MIIE-not-a-key', certificate: cert.certificatePem })).toContain(
      'credentials.private_key is not a readable',
    );
    expect(failure({ private_key: cert.privateKeyPem, certificate: 'nope' })).toContain(
      'credentials.certificate is not a readable',
    );
    const mismatch = failure({ private_key: other.privateKeyPem, certificate: cert.certificatePem });
    expect(mismatch).toContain('does not belong to credentials.certificate');
    expect(mismatch).not.toContain(other.privateKeyPem.slice(40, 80));
  });
});
