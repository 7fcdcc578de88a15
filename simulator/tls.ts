import { issueCertificate } from './entra/x509.js';
import { cachedKeyMaterial } from './key-cache.js';

/** PEM material for the simulator's HTTPS server. Clients trust `ca` (never disable verification). */
export interface TlsMaterial {
  key: string;
  cert: string;
  ca: string;
}

/**
 * A throw-away CA generated at start-up and a server certificate it signs, valid for 127.0.0.1 and
 * localhost (SAN). msal-node only accepts https authorities, hence TLS even on loopback. Made once
 * per test run when key-cache.ts says so.
 */
export function createTlsMaterial(): TlsMaterial {
  return cachedKeyMaterial('tls', makeTlsMaterial);
}

function makeTlsMaterial(): TlsMaterial {
  const ca = issueCertificate({ commonName: 'source-powerbi simulator CA', isCa: true, validDays: 30 });
  const server = issueCertificate({
    commonName: '127.0.0.1',
    issuer: ca,
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    extendedKeyUsage: 'serverAuth',
    validDays: 30,
  });
  return { key: server.privateKeyPem, cert: server.certificatePem, ca: ca.certificatePem };
}
