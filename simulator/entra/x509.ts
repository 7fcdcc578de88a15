import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Minimal X.509 issuance for the simulator (TLS and client certificates). Keys come from Node's
 * native RSA generator (fast); node-forge only assembles and signs the certificate, synchronously.
 */
export interface IssuedCertificate {
  privateKeyPem: string;
  certificatePem: string;
}

export interface CertificateRequest {
  commonName: string;
  /** Signs with this CA; self-signed when absent. */
  issuer?: IssuedCertificate;
  isCa?: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  extendedKeyUsage?: 'serverAuth' | 'clientAuth';
  validDays?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function issueCertificate(request: CertificateRequest): IssuedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // Positive serial: a leading 0x00..0x7f byte keeps the DER INTEGER non-negative.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - DAY_MS);
  cert.validity.notAfter = new Date(now + (request.validDays ?? 365) * DAY_MS);
  const subject = [{ name: 'commonName', value: request.commonName }];
  cert.setSubject(subject);
  const issuerCert = request.issuer ? forge.pki.certificateFromPem(request.issuer.certificatePem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  cert.setExtensions(extensionsFor(request));
  const signingKey = forge.pki.privateKeyFromPem(request.issuer?.privateKeyPem ?? privateKey);
  cert.sign(signingKey, forge.md.sha256.create());
  return { privateKeyPem: privateKey, certificatePem: forge.pki.certificateToPem(cert) };
}

function extensionsFor(request: CertificateRequest): object[] {
  if (request.isCa) {
    return [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ];
  }
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  ];
  if (request.extendedKeyUsage === 'serverAuth') extensions.push({ name: 'extKeyUsage', serverAuth: true });
  if (request.extendedKeyUsage === 'clientAuth') extensions.push({ name: 'extKeyUsage', clientAuth: true });
  const altNames = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(request.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  return extensions;
}
