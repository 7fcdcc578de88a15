import type { ScanSettings, WorkspaceSelection } from '../../../src/config/options.js';
import { ConnectorError, configError, transientError } from '../../../src/errors.js';
import type { ScanDataset, ScanWorkspace } from '../../../src/powerbi/scan-types.js';
import { explainApiFailure } from '../../../src/commands/check/api-failure.js';
import { SAMPLE_SIZE, sampleWorkspaces } from '../../../src/commands/check/sample-workspaces.js';
import { addWorkspace, emptyEvidence, type ScanEvidence } from '../../../src/commands/check/scan-evidence.js';
import {
  DAX_AND_MASHUP,
  DETAILED_METADATA,
  settingFindings,
} from '../../../src/commands/check/setting-findings.js';

const scan = (overrides: Partial<ScanSettings> = {}): ScanSettings => ({
  lineage: true,
  datasourceDetails: true,
  datasetSchema: true,
  datasetExpressions: true,
  artifactUsers: true,
  maxScansInFlight: 16,
  workspacesPerScan: 100,
  pollIntervalSeconds: 5,
  scanTimeoutMinutes: 30,
  ...overrides,
});

const selection = (overrides: Partial<WorkspaceSelection> = {}): WorkspaceSelection => ({
  includeIds: [],
  excludeIds: [],
  includeNamePatterns: [],
  excludeNamePatterns: [],
  includePersonalWorkspaces: false,
  includeInactiveWorkspaces: false,
  ...overrides,
});

const evidenceOf = (...workspaces: ScanWorkspace[]): ScanEvidence =>
  workspaces.reduce(addWorkspace, emptyEvidence());
const workspace = (...datasets: ScanDataset[]): ScanWorkspace => ({ id: 'w', datasets });

describe('scan evidence: tables and expressions per semantic model', () => {
  test('a model counts as having expressions through M sources, measures, calculated columns or shared expressions', () => {
    const evidence = evidenceOf(
      workspace(
        {
          id: 'm',
          tables: [{ name: 't', source: [{ expression: 'let Source = Sql.Database("s", "d") in Source' }] }],
        },
        { id: 'dax', tables: [{ name: 't', measures: [{ name: 'x', expression: 'SUM(t[v])' }] }] },
        { id: 'calc', tables: [{ name: 't', columns: [{ name: 'c', expression: '[a] * 2' }] }] },
        {
          id: 'shared',
          tables: [{ name: 't', columns: [{ name: 'c' }] }],
          expressions: [{ name: 'p', expression: '"x"' }],
        },
      ),
    );
    expect(evidence).toEqual({
      workspaces: 1,
      datasets: 4,
      datasetsWithTables: 4,
      datasetsWithExpressions: 4,
    });
  });

  test('tables without any expression (or with empty ones), models without tables and empty workspaces', () => {
    const evidence = evidenceOf(
      workspace(
        {
          id: 'bare',
          tables: [{ name: 't', columns: [{ name: 'c', expression: '' }], measures: [{ name: 'm' }] }],
        },
        { id: 'no-tables', tables: [] },
        { id: 'absent' },
      ),
      { id: 'empty' },
    );
    expect(evidence).toEqual({
      workspaces: 2,
      datasets: 3,
      datasetsWithTables: 1,
      datasetsWithExpressions: 0,
    });
  });
});

describe('setting findings', () => {
  const healthy: ScanEvidence = {
    workspaces: 3,
    datasets: 4,
    datasetsWithTables: 3,
    datasetsWithExpressions: 2,
  };

  test('nothing to say when tables and expressions came back', () => {
    expect(settingFindings(healthy, scan())).toEqual([]);
  });

  test('models without tables: one WARN about detailed metadata naming the empty streams', () => {
    const findings = settingFindings(
      { ...healthy, datasetsWithTables: 0, datasetsWithExpressions: 0 },
      scan(),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ level: 'WARN', setting: 'detailed-metadata' });
    expect(findings[0]!.message).toContain(`"${DETAILED_METADATA}" appears to be off`);
    expect(findings[0]!.message).toContain('None of the 4 semantic model(s)');
    expect(findings[0]!.message).toContain('tables, columns and measures streams will be empty');
  });

  test('tables without expressions: one WARN about DAX and mashup expressions naming lineage', () => {
    const findings = settingFindings({ ...healthy, datasetsWithExpressions: 0 }, scan());
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ level: 'WARN', setting: 'dax-and-mashup' });
    expect(findings[0]!.message).toContain(`"${DAX_AND_MASHUP}" appears to be off`);
    expect(findings[0]!.message).toContain('The tables of 3 semantic model(s)');
    expect(findings[0]!.message).toContain('lineage stream will have no edges');
  });

  test('no semantic model in the sample: INFO that the settings could not be verified, no WARN', () => {
    const findings = settingFindings(
      { workspaces: 5, datasets: 0, datasetsWithTables: 0, datasetsWithExpressions: 0 },
      scan(),
    );
    expect(findings.map((f) => f.level)).toEqual(['INFO']);
    expect(findings[0]!.message).toContain('could not be verified');
    expect(findings[0]!.message).toContain(DETAILED_METADATA);
    expect(findings[0]!.message).toContain(DAX_AND_MASHUP);
  });

  test('dataset_schema off in the config: empty streams by choice (INFO), no tenant WARN', () => {
    const findings = settingFindings(
      { ...healthy, datasetsWithTables: 0, datasetsWithExpressions: 0 },
      scan({ datasetSchema: false }),
    );
    expect(findings.map((f) => [f.level, f.setting])).toEqual([['INFO', undefined]]);
    expect(findings[0]!.message).toMatch(/^scan\.dataset_schema is false/);
  });

  test('dataset_expressions off in the config: INFO instead of the DAX WARN, the metadata WARN still shown', () => {
    const noExpressions = settingFindings(
      { ...healthy, datasetsWithExpressions: 0 },
      scan({ datasetExpressions: false }),
    );
    expect(noExpressions.map((f) => f.level)).toEqual(['INFO']);
    expect(noExpressions[0]!.message).toMatch(/^scan\.dataset_expressions is false/);
    const noTables = settingFindings(
      { ...healthy, datasetsWithTables: 0, datasetsWithExpressions: 0 },
      scan({ datasetExpressions: false }),
    );
    expect(noTables.map((f) => [f.level, f.setting])).toEqual([
      ['INFO', undefined],
      ['WARN', 'detailed-metadata'],
    ]);
  });
});

describe('sample workspaces', () => {
  const listed = Array.from({ length: 50 }, (_, i) => `ws-${String(i).padStart(2, '0')}`);

  test(`at most ${SAMPLE_SIZE}, in the listed order, without excluded ids (case-insensitive)`, () => {
    const sample = sampleWorkspaces(listed, selection({ excludeIds: ['WS-00', 'ws-05'] }));
    expect(sample).toHaveLength(SAMPLE_SIZE);
    expect(sample[0]).toBe('ws-01');
    expect(sample).not.toContain('ws-05');
    expect(sample.at(-1)).toBe(`ws-${SAMPLE_SIZE + 1}`);
  });

  test('only the configured ids when the config names some', () => {
    expect(sampleWorkspaces(listed, selection({ includeIds: ['WS-42', 'ws-07', 'ws-99'] }))).toEqual([
      'ws-07',
      'ws-42',
    ]);
  });
});

describe('explainApiFailure', () => {
  const base = 'https://api.powerbi.example:8443/v1.0/myorg';

  test('a network failure names the Power BI host and keeps the cause', () => {
    const error = transientError('Power BI did not answer modified after 3 attempt(s)', {
      internalMessage: 'GET modified: ECONNREFUSED: connect ECONNREFUSED',
    });
    const explained = explainApiFailure(error, base) as ConnectorError;
    expect(explained.failureType).toBe('transient_error');
    expect(explained.message).toMatch(
      /^Could not reach the Power BI API at api\.powerbi\.example:8443 \(ECONNREFUSED: connect ECONNREFUSED\)\. Check the network path/,
    );
  });

  test('a 404 is a config error about the base URL', () => {
    const error = new ConnectorError('not found', { failureType: 'system_error', httpStatus: 404 });
    const explained = explainApiFailure(error, base) as ConnectorError;
    expect(explained.failureType).toBe('config_error');
    expect(explained.message).toContain('api_base_url_override');
  });

  test('a 5xx transient error and an access-denied error pass unchanged', () => {
    const unavailable = transientError('Power BI did not answer', { httpStatus: 503 });
    const denied = configError('Power BI refused the admin API call', { httpStatus: 401 });
    expect(explainApiFailure(unavailable, base)).toBe(unavailable);
    expect(explainApiFailure(denied, base)).toBe(denied);
  });
});
