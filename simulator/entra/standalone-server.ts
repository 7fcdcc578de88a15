import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTlsMaterial, type TlsMaterial } from '../tls.js';
import { createEntra } from './index.js';
import type { EntraOptions, EntraSim } from './types.js';

export interface EntraServer {
  /** e.g. https://127.0.0.1:PORT */
  origin: string;
  tls: TlsMaterial;
  entra: EntraSim;
  close(): Promise<void>;
}

/**
 * Entra alone over HTTPS on 127.0.0.1:0, for tests of the token endpoint and of the connector's auth.
 * Anything that is not an Entra path gets a 404.
 */
export async function startEntraServer(
  options: EntraOptions,
  tls: TlsMaterial = createTlsMaterial(),
): Promise<EntraServer> {
  const entra = createEntra(options);
  let origin = '';
  const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', origin);
    entra.handle(req, res, url, origin).then(
      (handled) => {
        if (!handled) res.writeHead(404).end();
      },
      (error: unknown) => {
        res.writeHead(500).end(String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    tls,
    entra,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
