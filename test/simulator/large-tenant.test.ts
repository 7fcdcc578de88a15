import https from 'node:https';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { Tenant } from '../../simulator/tenant/tenant.js';
import { API, appToken, call } from './helpers/client.js';

const START = Date.parse('2026-11-28T09:00:00Z');
const options = (seed: number) => ({
  seed,
  workspaces: 10_000,
  startMs: START,
  emailDomain: 'contoso.com',
  scannerApp: { clientId: '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90', displayName: 'Scanner' },
});

test('a 10,000-workspace tenant is generated lazily and deterministically (timing printed)', () => {
  const t0 = performance.now();
  const tenant = new Tenant(options(42));
  const created = performance.now() - t0;
  const sample = [0, 1234, 9999].map((i) => JSON.stringify(tenant.build(i).workspace));
  const again = new Tenant(options(42));
  expect([0, 1234, 9999].map((i) => JSON.stringify(again.build(i).workspace))).toEqual(sample);
  expect(JSON.stringify(new Tenant(options(43)).build(1234).workspace)).not.toEqual(sample[1]);
  console.log(`10,000-workspace tenant created in ${created.toFixed(0)} ms`);
  expect(tenant.size).toBe(10_000);
});

test('the tenant has the variety the connector must handle', () => {
  const tenant = new Tenant({ ...options(7), workspaces: 600 });
  const all = tenant.listWorkspaces();
  const text = all.map((w) => JSON.stringify(tenant.workspace(w.id))).join('\n');
  expect(all.some((w) => w.type === 'PersonalGroup')).toBe(true);
  expect(all.some((w) => w.state === 'Deleted')).toBe(true);
  for (const needle of [
    'Sql.Database(',
    '[Query=',
    'Snowflake.Databases(',
    'Value.NativeQuery(',
    'GoogleBigQuery.Database(',
    'Databricks',
    'PostgreSQL.Database(',
    'AmazonRedshift.Database(',
    'Oracle.Database(',
    'Odbc.',
    'PowerPlatform.Dataflows(',
    'Excel.Workbook(Web.Contents(',
    'IsParameterQuery=true',
    'AnalysisServices.Database(',
    'CALENDAR(',
    'schemaRetrievalError',
    'PaginatedReport',
    '"endorsement":"Certified"',
    'sensitivityLabel',
    '"datamarts":[{',
    '"tiles":[{',
    '"measures":[{',
    '财务',
  ]) {
    expect(text).toContain(needle);
  }
});

test('scanning the whole 10,000-workspace tenant streams results with bounded memory (figures printed)', async () => {
  const sim: Simulator = await startSimulator({ workspaces: 10_000, seed: 42, scanDurationMs: 0 });
  try {
    const token = await appToken(sim);
    const ids = sim.tenant.listWorkspaces().map((w) => w.id);
    // heapUsed counts garbage not yet collected, which depends on when V8 collects (and so on the
    // machine's load): measure what is live instead, after a full collection every 2,048 chunks (a
    // full collection in a Jest worker that ran other files first can take a second).
    setFlagsFromString('--expose-gc');
    const collect = runInNewContext('gc') as () => void;
    const liveHeap = () => {
      collect();
      return process.memoryUsage().heapUsed;
    };
    const baseline = liveHeap();
    let peak = baseline;
    let bytes = 0;
    let chunks = 0;
    const t0 = performance.now();
    for (let i = 0; i < ids.length; i += 100) {
      const info = await call(
        sim,
        'POST',
        `${API}/admin/workspaces/getInfo?lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True&getArtifactUsers=True`,
        {
          token,
          body: { workspaces: ids.slice(i, i + 100) },
        },
      );
      const scanId = (info.json as { id: string }).id;
      await new Promise<void>((resolve, reject) => {
        https
          .get(
            `${sim.url}${API}/admin/workspaces/scanResult/${scanId}`,
            { ca: sim.caCertificate, headers: { Authorization: `Bearer ${token}` } },
            (res) => {
              expect(res.headers['content-length']).toBeUndefined();
              res.on('data', (c: Buffer) => {
                bytes += c.length;
                chunks++;
                if (chunks % 2048 === 0) peak = Math.max(peak, liveHeap());
              });
              res.on('end', resolve);
            },
          )
          .on('error', reject);
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `scanned 10,000 workspaces: ${(bytes / 1e6).toFixed(0)} MB in ${chunks} chunks, ${seconds.toFixed(1)} s, live heap growth peak ${((peak - baseline) / 1e6).toFixed(1)} MB`,
    );
    expect(sim.stats().requests.scanResult).toBe(100);
    // Holding the tenant's JSON at once would need at least `bytes` of heap (measured: 2 MB live when
    // run alone, 30 MB in a CI worker that ran other files first).
    expect(peak - baseline).toBeLessThan(bytes / 2);
  } finally {
    await sim.close();
  }
}, 120_000);
