import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import { sharedAvailable, sharedPath } from '../helpers/shared-reference.js';
import { API, appToken, call } from './helpers/client.js';

/** path → JSON types seen there, e.g. "workspaces[].reports[].name" → {string}. */
function shapeOf(
  value: unknown,
  path = '$',
  into = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  // Principals have one shape wherever they appear (reports, datasets, workspaces...).
  const at = path.replace(/^.*\.users\[\]/, '<user>');
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  const types = into.get(at) ?? new Set<string>();
  types.add(type);
  into.set(at, types);
  if (Array.isArray(value)) for (const item of value) shapeOf(item, `${at}[]`, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      // Access-right keys differ per artifact type; compare them as one family.
      const k = /UserAccessRight$/i.test(key) ? '<accessRight>' : key;
      shapeOf(child, `${at}.${k}`, into);
    }
  }
  return into;
}

const ALL_FLAGS =
  'lineage=True&datasourceDetails=True&datasetSchema=True&datasetExpressions=True&getArtifactUsers=True';
/** In the sample only because Microsoft's own example shows it (README of samples/). */
const SAMPLE_ONLY = new Set(['$.workspaces[].datasets[].relationships']);

/** In Microsoft's schema (scanner.md field tree) or needed for a source kind the sample lacks. */
const NOT_IN_SAMPLE = new Set([
  '$.workspaces[].reports[].datasetWorkspaceId', // D: only when the dataset lives in another workspace
  '$.datasourceInstances[].connectionDetails.connectionString', // ODBC sources (I)
]);

/**
 * Fabric item arrays are not in Microsoft's sample: the peer corpus's scan results (real tenants)
 * are the reference for them. Item types the corpus lacks are modelled on its Lakehouse.
 */
const MODELLED_ON_LAKEHOUSE =
  /^\$\.workspaces\[\]\.(Notebook|DataPipeline|Eventhouse|KQLDatabase|DigitalTwinBuilder)(?=\[|$)/;
const FABRIC_NOT_IN_CORPUS = [
  /^\$\.workspaces\[\]\.Lakehouse\[\]\.relations/, // KQL databases on their eventhouse (shape of SQLAnalyticsEndpoint's)
  /^\$\.workspaces\[\]\.Lakehouse\[\]\.(ontologyVersion|extendedProperties\.region)$/, // the unknown item type's own fields
];

function corpusShapes(into: Map<string, Set<string>>): void {
  const dir = sharedPath('peerScanMocks');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const responses = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<
      string,
      { json?: unknown }
    >;
    for (const [url, response] of Object.entries(responses))
      if (url.includes('/admin/workspaces/scanResult/')) shapeOf(response.json, '$', into);
  }
}

/** A corpus key only ever null says nothing about its type (Microsoft's sample stays strict). */
function typeKnown(
  reference: Map<string, Set<string>>,
  sample: Map<string, Set<string>>,
  key: string,
  type: string,
): boolean {
  const types = reference.get(key);
  if (!types) return false;
  const onlyNullInCorpus = !sample.has(key) && types.size === 1 && types.has('null');
  return types.has(type) || onlyNullInCorpus;
}

let sim: Simulator;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ workspaces: 400, seed: 3, scanDurationMs: 0 });
  token = await appToken(sim);
});
afterAll(() => sim.close());

async function scanAll(flags: string): Promise<unknown[]> {
  const ids = sim.tenant.listWorkspaces().map((w) => w.id);
  const results: unknown[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const info = await call(sim, 'POST', `${API}/admin/workspaces/getInfo?${flags}`, {
      token,
      body: { workspaces: ids.slice(i, i + 100) },
    });
    expect(info.status).toBe(202);
    const result = await call(
      sim,
      'GET',
      `${API}/admin/workspaces/scanResult/${(info.json as { id: string }).id}`,
      { token },
    );
    expect(result.status).toBe(200);
    results.push(result.json);
  }
  return results;
}

/** Microsoft's sample and the peer's real-tenant scans live in ../shared (the run says when absent). */
const withReference = sharedAvailable('scanSample') && sharedAvailable('peerScanMocks') ? test : test.skip;

withReference('scanResult has the key set and value types of samples/scanResult.json', async () => {
  const sample = shapeOf(JSON.parse(readFileSync(sharedPath('scanSample'), 'utf8')));
  const reference = new Map([...sample].map(([k, t]) => [k, new Set(t)]));
  corpusShapes(reference);
  const served = new Map<string, Set<string>>();
  for (const result of await scanAll(ALL_FLAGS)) shapeOf(result, '$', served);
  const ours = new Map<string, Set<string>>();
  for (const [key, types] of served) {
    const k = key.replace(MODELLED_ON_LAKEHOUSE, '$.workspaces[].Lakehouse');
    ours.set(k, new Set([...(ours.get(k) ?? []), ...types]));
  }
  const exempt = (k: string) => NOT_IN_SAMPLE.has(k) || FABRIC_NOT_IN_CORPUS.some((re) => re.test(k));

  const invented = [...ours.keys()].filter((k) => !reference.has(k) && !exempt(k));
  expect(invented).toEqual([]);
  const missing = [...sample.keys()].filter((k) => !ours.has(k) && !SAMPLE_ONLY.has(k));
  expect(missing).toEqual([]);
  const typeMismatch = [...ours]
    .filter(([k]) => !exempt(k))
    .filter(([k, types]) => [...types].some((t) => !typeKnown(reference, sample, k, t)));
  expect(
    typeMismatch.map(([k, t]) => `${k}: ${[...t].join('|')} vs ${[...(reference.get(k) ?? [])].join('|')}`),
  ).toEqual([]);
});

test('scan results equal the tenant inspection API workspace by workspace', async () => {
  const [first] = (await scanAll(ALL_FLAGS)) as { workspaces: { id: string }[] }[];
  for (const ws of first?.workspaces ?? []) expect(ws).toEqual(sim.tenant.workspace(ws.id));
});
