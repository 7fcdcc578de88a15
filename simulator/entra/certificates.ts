import { X509Certificate, createHash } from 'node:crypto';
import { issueCertificate } from './x509.js';

export interface ClientCertificate {
  privateKeyPem: string;
  certificatePem: string;
  /** Hex SHA-1 of the DER certificate (what the Entra portal shows as "Thumbprint"). */
  thumbprintSha1Hex: string;
  thumbprintSha256Hex: string;
}

/** A self-signed certificate like the ones users upload to an app registration's "Certificates & secrets". */
export function createClientCertificate(subject: string): ClientCertificate {
  const issued = issueCertificate({ commonName: subject, extendedKeyUsage: 'clientAuth', validDays: 365 });
  const thumbprints = certificateThumbprints(issued.certificatePem);
  return { ...issued, thumbprintSha1Hex: thumbprints.sha1Hex, thumbprintSha256Hex: thumbprints.sha256Hex };
}

export function certificateThumbprints(certificatePem: string): { sha1Hex: string; sha256Hex: string } {
  const der = new X509Certificate(certificatePem).raw;
  return {
    sha1Hex: createHash('sha1').update(der).digest('hex'),
    sha256Hex: createHash('sha256').update(der).digest('hex'),
  };
}
