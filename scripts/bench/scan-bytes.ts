/**
 * Fetches the scan results of every workspace the connector scans, once, as raw bytes: the input
 * of the CPU limit (what JSON.parse + JSON.stringify of the same data costs).
 */
import { fetchJson, fetchRaw } from './https.js';
import type { SimulatorProcess } from './simulator-process.js';

/** What the fetch needs of the simulator: its address, CA and test credentials. */
type SimulatorAccess = Pick<SimulatorProcess, 'url' | 'caCertificate' | 'config'>;

const FLAGS =
  'lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True&getArtifactUsers=True';

async function accessToken(sim: SimulatorAccess): Promise<string> {
  const { tenant_id, client_id, client_secret } = sim.config.credentials;
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: client_id!,
    client_secret: client_secret!,
    scope: 'https://analysis.windows.net/powerbi/api/.default',
  }).toString();
  const token = await fetchJson<{ access_token: string }>(
    `${sim.url}/${tenant_id}/oauth2/v2.0/token`,
    sim.caCertificate,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    },
  );
  return token.access_token;
}

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** Polls as the connector does (first wait pollS, then x1.5 up to 8x): see api-budget.ts's pollPlan. */
async function scanBatch(sim: SimulatorAccess, token: string, ids: string[], pollS: number): Promise<Buffer> {
  const base = `${sim.url}/v1.0/myorg/admin/workspaces`;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const scan = await fetchJson<{ id: string }>(`${base}/getInfo?${FLAGS}`, sim.caCertificate, {
    method: 'POST',
    headers,
    body: JSON.stringify({ workspaces: ids }),
  });
  const cap = Math.max(pollS, Math.min(pollS * 8, 60));
  for (let interval = pollS; ; interval = Math.min(interval * 1.5, cap)) {
    await sleep(interval);
    const status = await fetchJson<{ status: string }>(`${base}/scanStatus/${scan.id}`, sim.caCertificate, {
      headers,
    });
    if (status.status === 'Succeeded') break;
    if (status.status === 'Failed') throw new Error(`scan ${scan.id} failed`);
  }
  const result = await fetchRaw(`${base}/scanResult/${scan.id}`, sim.caCertificate, { headers });
  if (result.status !== 200) throw new Error(`scanResult ${scan.id}: HTTP ${result.status}`);
  return result.body;
}

/** The workspaces the connector scans: admin/workspaces/modified without personal workspaces. */
async function scannedWorkspaceIds(sim: SimulatorAccess, token: string): Promise<string[]> {
  const url = `${sim.url}/v1.0/myorg/admin/workspaces/modified?excludePersonalWorkspaces=True`;
  const list = await fetchJson<{ id: string }[]>(url, sim.caCertificate, {
    headers: { authorization: `Bearer ${token}` },
  });
  return list.map((w) => w.id);
}

/** Scan-result bodies of every scanned workspace, 100 per scan, at most 16 scans at once. */
export async function fetchScanResults(sim: SimulatorAccess, pollS: number): Promise<Buffer[]> {
  const token = await accessToken(sim);
  const ids = await scannedWorkspaceIds(sim, token);
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += 100) batches.push(ids.slice(i, i + 100));
  const results: Buffer[] = new Array<Buffer>(batches.length);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const index = next++;
      results[index] = await scanBatch(sim, token, batches[index]!, pollS);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, batches.length) }, worker));
  return results;
}
