import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { configError } from '../errors.js';

/** What msal-node's `auth.clientCertificate` takes. */
export interface MsalCertificate {
  privateKey: string;
  /** Hex SHA-256 thumbprint: msal then signs the assertion with PS256 and sends x5t#S256. */
  thumbprintSha256?: string;
  /** Hex SHA-1 thumbprint (legacy): RS256 with x5t. Used only when that is all the config gives. */
  thumbprint?: string;
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/**
 * Turns the config's PEMs into msal's certificate credential: the key normalised to PKCS#8 (msal
 * documents "BEGIN PRIVATE KEY"), the thumbprint computed from the certificate when one is given,
 * including a certificate pasted into the private_key field next to the key (a PFX export habit).
 */
export function certificateCredential(input: {
  private_key: string;
  certificate?: string;
  thumbprint?: string;
}): MsalCertificate {
  const privateKey = normalisePrivateKey(input.private_key);
  const certificatePem = input.certificate?.trim() || CERTIFICATE_BLOCK.exec(input.private_key)?.[0];
  if (certificatePem)
    return { privateKey, thumbprintSha256: thumbprintOfMatchingCertificate(certificatePem, privateKey) };
  const thumbprint = (input.thumbprint ?? '').replace(/[\s:]/g, '').toLowerCase();
  if (/^[0-9a-f]{64}$/.test(thumbprint)) return { privateKey, thumbprintSha256: thumbprint };
  if (/^[0-9a-f]{40}$/.test(thumbprint)) return { privateKey, thumbprint };
  throw configError(
    thumbprint
      ? 'credentials.thumbprint must be the hex SHA-256 (64 characters) or SHA-1 (40 characters) thumbprint of the certificate.'
      : 'Give credentials.certificate (PEM) or credentials.thumbprint for the certificate uploaded to the app registration.',
  );
}

function normalisePrivateKey(pem: string): string {
  try {
    return createPrivateKey(pem).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch {
    throw configError(
      'credentials.private_key is not a readable private key. Paste the unencrypted PEM key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----).',
    );
  }
}

function thumbprintOfMatchingCertificate(certificatePem: string, privateKeyPem: string): string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw configError(
      'credentials.certificate is not a readable PEM certificate (-----BEGIN CERTIFICATE-----).',
    );
  }
  const spki = (key: ReturnType<typeof createPublicKey>) => key.export({ type: 'spki', format: 'der' });
  if (!spki(certificate.publicKey).equals(spki(createPublicKey(privateKeyPem)))) {
    throw configError(
      'credentials.private_key does not belong to credentials.certificate. Use the key pair of the certificate uploaded to the app registration.',
    );
  }
  return createHash('sha256').update(certificate.raw).digest('hex');
}
