/**
 * The report streams (report_definitions, report_pages, report_visuals) through the built CLI
 * against the simulator's Fabric API: every visual field equals the simulator's ground truth and
 * resolves to a column or measure of the report's dataset; only changed reports are read again;
 * long-running operation faults (failed, stuck, throttled beyond patience) end in records or a
 * resumable state with nothing lost; refusals are rows with their reason; check names the fix.
 */
import { jest } from '@jest/globals';
import { startSimulator, type Simulator } from '../../simulator/index.js';
import type { ReportDefinitionTruth, TruthField } from '../../simulator/tenant/report-definitions.js';
import { streamByName } from '../../src/streams/registry.js';
import { expectProtocolLines } from '../helpers/airbyte-protocol.js';
import { runCli, writeInputs } from '../helpers/cli.js';
import { catalogFor, latestStates, readOnce, type Message, type ReadResult } from '../helpers/read-run.js';
import { schemaErrors } from '../unit/streams/record-validator.js';

jest.setTimeout(240_000);

type Data = Record<string, unknown>;
const REPORT_STREAMS = ['report_definitions', 'report_pages', 'report_visuals'];

function records(messages: Message[], stream: string): Data[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: Data }).data);
}

function logs(messages: Message[], level: string): string[] {
  return messages
    .filter((m) => m.type === 'LOG' && (m.log as { level: string }).level === level)
    .map((m) => (m.log as { message: string }).message);
}

function errorTraces(messages: Message[]): Data[] {
  return messages
    .filter((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')
    .map((m) => (m.trace as { error: Data }).error);
}

function stateOf(messages: Message[], stream: string): Data | undefined {
  const state = latestStates(messages).find(
    (s) =>
      (s as { stream: { stream_descriptor: { name: string } } }).stream.stream_descriptor.name === stream,
  ) as { stream: { stream_state: Data } } | undefined;
  return state?.stream.stream_state;
}

const fieldKey = (f: {
  role?: unknown;
  kind?: unknown;
  table?: unknown;
  column?: unknown;
  measure?: unknown;
  aggregation?: unknown;
  hierarchy?: unknown;
  level?: unknown;
  reportMeasure?: unknown;
}) =>
  JSON.stringify([
    f.role,
    f.kind,
    f.table,
    f.column,
    f.measure,
    f.aggregation,
    f.hierarchy,
    f.level,
    f.reportMeasure,
  ]);

const truthKey = (f: TruthField) => fieldKey(f);

describe('report definitions through the built CLI', () => {
  let sim: Simulator;
  let base: Data;
  /** Every report of the tenant's active shared workspaces with its definition truth (undefined: none). */
  let truths: Map<
    string,
    { workspaceId: string; truth: ReportDefinitionTruth | undefined; encrypted: boolean }
  >;
  let first: ReadResult;

  const config = (extra: Data = {}): Data => ({
    ...base,
    report_definitions: { ...(base.report_definitions as Data), enabled: true, ...extra },
  });
  const catalog = () =>
    catalogFor('incremental', ['reports', 'datasets', 'columns', 'measures', ...REPORT_STREAMS]);
  const fabricCalls = () => sim.stats().requests.fabricGetDefinition ?? 0;

  /** Reports of the tenant as it is now whose definition can be read (a truth, no encrypted label). */
  function readableReports(): { workspaceId: string; reportId: string }[] {
    return sim.tenant
      .listWorkspaces()
      .filter((w) => !w.isPersonal && w.state === 'Active')
      .flatMap((w) =>
        (sim.tenant.workspace(w.id)?.reports ?? [])
          .filter((r) => sim.fabric.truth(w.id, r.id) && !sim.fabric.isEncrypted(r))
          .map((r) => ({ workspaceId: w.id, reportId: r.id })),
      );
  }

  /**
   * The first workspaces that together hold at least `reports` readable reports: a test that needs
   * only a few reports reads only them (workspaces.include_ids), from the file's tenant.
   */
  function workspacesWith(reports: number): string[] {
    const chosen: string[] = [];
    let held = 0;
    for (const { workspaceId } of readableReports()) {
      if (held >= reports && !chosen.includes(workspaceId)) break;
      if (!chosen.includes(workspaceId)) chosen.push(workspaceId);
      held += 1;
    }
    return chosen;
  }

  beforeAll(async () => {
    sim = await startSimulator({ seed: 23, workspaces: 40, scanDurationMs: 0 });
    base = { ...sim.config, scan: { poll_interval_seconds: 0.05 } };
    truths = new Map();
    for (const ws of sim.tenant.listWorkspaces()) {
      if (ws.isPersonal || ws.state !== 'Active') continue;
      for (const report of sim.tenant.workspace(ws.id)?.reports ?? [])
        truths.set(report.id, {
          workspaceId: ws.id,
          truth: sim.fabric.truth(ws.id, report.id),
          encrypted: sim.fabric.isEncrypted(report),
        });
    }
    first = await readOnce(config(), catalog());
  });
  afterAll(async () => {
    await sim?.close();
  });
  afterEach(() => {
    sim.fabric.viewerWorkspaces.clear();
    sim.fabric.operationFates.clear();
    sim.fabric.allowServicePrincipals = true;
    try {
      sim.faults.assertAllConsumed();
    } finally {
      sim.faults.clear();
    }
  });

  test('the read succeeds; every record is valid against its schema', () => {
    expect(first.code).toBe(0);
    for (const stream of REPORT_STREAMS) {
      const rows = records(first.messages, stream);
      expect(rows.length).toBeGreaterThan(0);
      const problems = rows.map((r) => schemaErrors(streamByName(stream)!, r)).filter((e) => e !== null);
      expect(problems.slice(0, 3)).toEqual([]);
    }
  });

  test('every report has one report_definitions row; statuses follow the tenant (encrypted labels, paginated, app copies)', () => {
    const rows = new Map(records(first.messages, 'report_definitions').map((r) => [r.reportId as string, r]));
    const scanned = records(first.messages, 'reports').filter((r) => truths.has(r.id as string));
    expect(scanned.length).toBeGreaterThan(20);
    for (const report of scanned) {
      const row = rows.get(report.id as string);
      const known = truths.get(report.id as string)!;
      const expected = report.appId
        ? 'skipped'
        : known.encrypted && known.truth
          ? 'encrypted_label'
          : known.truth
            ? 'read'
            : 'unsupported';
      expect({ id: report.id, status: row?.status }).toEqual({ id: report.id, status: expected });
    }
    expect([...rows.values()].filter((r) => r.status === 'encrypted_label').length).toBeGreaterThan(0);
    for (const row of rows.values())
      if (row.status === 'encrypted_label')
        expect(row).toMatchObject({ source: 'pages_api', vendorCode: 'ItemHasProtectedLabel' });
  });

  test('pages equal the ground truth (names, display names, order, hidden, type, visual counts)', () => {
    const pages = records(first.messages, 'report_pages');
    for (const [reportId, known] of truths) {
      if (!known.truth || known.encrypted) continue;
      const got = pages
        .filter((p) => p.reportId === reportId)
        .map((p) => [p.name, p.displayName, p.order, p.hidden, p.pageType, p.visualCount, p.source]);
      const want = known.truth.pages.map((p) => [
        p.name,
        p.displayName,
        p.order,
        p.hidden,
        // PBIR-Legacy keeps no page type the parser reads.
        known.truth!.format === 'pbir' ? p.pageType : null,
        known.truth!.visuals.filter((v) => v.pageName === p.name).length,
        'definition',
      ]);
      expect({ reportId, pages: got }).toEqual({ reportId, pages: want });
    }
  });

  test('every visual field equals the ground truth and resolves to a column or measure of the report dataset', () => {
    const visuals = records(first.messages, 'report_visuals');
    let fields = 0;
    for (const [reportId, known] of truths) {
      if (!known.truth || known.encrypted) continue;
      const got = new Map(
        visuals
          .filter((v) => v.reportId === reportId)
          .map((v) => [`${v.pageName as string}/${v.id as string}`, v]),
      );
      expect(got.size).toBe(known.truth.visuals.length);
      for (const visual of known.truth.visuals) {
        const row = got.get(`${visual.pageName}/${visual.id}`);
        expect(row).toMatchObject({
          visualType: visual.visualType,
          title: visual.title,
          hidden: visual.hidden,
          isGroup: visual.isGroup,
          datasetId: known.truth.datasetId,
        });
        const rowFields = (row!.fields as Data[]) ?? [];
        expect(rowFields.map(fieldKey)).toEqual(visual.fields.map(truthKey));
        for (const f of rowFields) {
          fields += 1;
          // A report-level measure is not in the dataset: it is in the report's own list.
          if (f.reportMeasure) expect(known.truth.reportMeasures.map((m) => m.name)).toContain(f.measure);
          else
            expect({ reportId, field: f, resolved: f.resolved }).toEqual({
              reportId,
              field: f,
              resolved: true,
            });
        }
      }
    }
    expect(fields).toBeGreaterThan(100);
    const kinds = new Set(visuals.flatMap((v) => ((v.fields as Data[]) ?? []).map((f) => f.kind)));
    expect(kinds).toEqual(new Set(['column', 'measure', 'aggregation', 'hierarchy_level']));
  });

  test('report-level measures are listed per report, equal to the ground truth', () => {
    for (const row of records(first.messages, 'report_definitions')) {
      const known = truths.get(row.reportId as string);
      if (row.status !== 'read' || !known?.truth) continue;
      expect(row.reportMeasures).toEqual(
        known.truth.reportMeasures.map(({ table, name, expression, dataType }) => ({
          table,
          name,
          expression,
          dataType,
        })),
      );
    }
  });

  test('a second read with the states reads no definition; after a change, only the changed reports', async () => {
    const before = fabricCalls();
    const again = await readOnce(config(), catalog(), latestStates(first.messages));
    expect(again.code).toBe(0);
    expect(fabricCalls()).toBe(before);
    for (const stream of REPORT_STREAMS) expect(records(again.messages, stream)).toEqual([]);

    const mutation = sim.mutate({ workspaces: 3, seed: 5 });
    const changed = new Set(mutation.changed.flatMap((c) => [...c.changed, ...c.added]));
    const third = await readOnce(config(), catalog(), latestStates(again.messages));
    expect(third.code).toBe(0);
    const reread = new Set(records(third.messages, 'report_definitions').map((r) => r.reportId as string));
    const scannedChanged = [...changed].filter((id) =>
      records(third.messages, 'reports').some((r) => r.id === id),
    );
    expect(scannedChanged.length).toBeGreaterThan(0);
    expect([...reread].sort()).toEqual(scannedChanged.sort());
  });

  test('LRO faults: a failed and a stuck operation end in rows (operation_failed, timed_out) and are read on the next sync', async () => {
    const selected = workspacesWith(2);
    // Long enough for the failing operation to fail first on a loaded machine (1 s was not), short
    // enough that waiting out the stuck one costs little.
    const cfg = {
      ...config({ operation_timeout_seconds: 5 }),
      workspaces: { include_ids: selected },
    };
    const expected = readableReports()
      .filter((r) => selected.includes(r.workspaceId))
      .map((r) => r.reportId);
    const [failing, stuck] = expected;
    sim.fabric.operationFates.set(failing!, 'fail');
    sim.fabric.operationFates.set(stuck!, 'stuck');
    const run = await readOnce(cfg, catalogFor('incremental', ['reports', ...REPORT_STREAMS]));
    expect(run.code).toBe(0);
    const statusOf = new Map(records(run.messages, 'report_definitions').map((r) => [r.reportId, r.status]));
    expect([statusOf.get(failing), statusOf.get(stuck)]).toEqual(['operation_failed', 'timed_out']);
    const pending = Object.keys((stateOf(run.messages, 'report_definitions')?.pending as object) ?? {});
    expect(pending.sort()).toEqual([failing, stuck].sort());
    sim.fabric.operationFates.clear();
    const next = await readOnce(
      cfg,
      catalogFor('incremental', ['reports', ...REPORT_STREAMS]),
      latestStates(run.messages),
    );
    expect(next.code).toBe(0);
    const nextRows = records(next.messages, 'report_definitions');
    expect(nextRows.map((r) => r.reportId).sort()).toEqual([...pending].sort());
    expect(new Set(nextRows.map((r) => r.status))).toEqual(new Set(['read']));
    const readAtAll = new Set(
      [...records(run.messages, 'report_definitions'), ...nextRows]
        .filter((r) => r.status === 'read')
        .map((r) => r.reportId),
    );
    expect([...readAtAll].sort()).toEqual([...expected].sort());
  });

  test('throttled beyond patience: the read stops with a transient error; the next read finishes every report, none lost', async () => {
    const cfg = {
      ...config({ concurrency: 1 }),
      workspaces: { include_ids: workspacesWith(6) },
      max_retry_wait_seconds: 2,
    };
    const cat = catalogFor('incremental', ['reports', ...REPORT_STREAMS]);
    sim.faults.script({ kind: '429', endpoint: 'fabricGetDefinition', skip: 3, retryAfterSeconds: 60 });
    const stopped = await readOnce(cfg, cat);
    expect(stopped.code).not.toBe(0);
    expect(errorTraces(stopped.messages)[0]).toMatchObject({ failure_type: 'transient_error' });
    const firstRows = records(stopped.messages, 'report_definitions');
    const state = stateOf(stopped.messages, 'report_definitions')!;
    const waiting = Object.keys(state.pending as object);
    expect(firstRows.length).toBeGreaterThanOrEqual(3);
    expect(waiting.length).toBeGreaterThan(0);
    const resumed = await readOnce(cfg, cat, latestStates(stopped.messages));
    expect(resumed.code).toBe(0);
    const all = [...firstRows, ...records(resumed.messages, 'report_definitions')].map(
      (r) => r.reportId as string,
    );
    const scanned = records(stopped.messages, 'reports').map((r) => r.id as string);
    expect(new Set(all)).toEqual(new Set(scanned));
    expect(Object.keys((stateOf(resumed.messages, 'report_definitions')!.pending as object) ?? {})).toEqual(
      [],
    );
  });

  test('no Contributor role: no_access rows naming the fix, with pages from the Pages API; the sync succeeds', async () => {
    const workspaceId = [...truths.values()].find((k) => k.truth && !k.encrypted)!.workspaceId;
    sim.fabric.viewerWorkspaces.add(workspaceId);
    // That workspace beside others whose definitions are read as usual.
    const others = workspacesWith(6).filter((id) => id !== workspaceId);
    expect(others.length).toBeGreaterThan(0);
    const run = await readOnce(
      { ...config(), workspaces: { include_ids: [workspaceId, ...others] } },
      catalogFor('full_refresh', ['reports', ...REPORT_STREAMS]),
    );
    expect(run.code).toBe(0);
    const denied = records(run.messages, 'report_definitions').filter(
      (r) => r.workspaceId === workspaceId && r.status === 'no_access',
    );
    expect(denied.length).toBeGreaterThan(0);
    for (const row of denied) {
      expect(row.reason).toMatch(/Contributor/);
      expect(row).toMatchObject({ source: 'pages_api', vendorCode: 'InsufficientPrivileges' });
      const pages = records(run.messages, 'report_pages').filter((p) => p.reportId === row.reportId);
      expect(pages.map((p) => p.name)).toEqual(
        truths.get(row.reportId as string)!.truth!.pages.map((p) => p.name),
      );
    }
    expect(logs(run.messages, 'WARN').filter((l) => /could not be read/.test(l))).toHaveLength(1);
  });

  async function check(cfg: Data): Promise<{ messages: Message[] }> {
    const inputs = await writeInputs({ config: cfg });
    const result = await runCli(['check', '--config', inputs.config!]);
    return { messages: expectProtocolLines(result.stdout) };
  }

  test('check with the option on: WARN naming the tenant setting when it is off, the Contributor role when missing', async () => {
    sim.fabric.allowServicePrincipals = false;
    const off = await check(config());
    expect(logs(off.messages, 'WARN').join('\n')).toMatch(/"Service principals can use Fabric APIs"/);
    sim.fabric.allowServicePrincipals = true;
    for (const ws of sim.tenant.listWorkspaces()) sim.fabric.viewerWorkspaces.add(ws.id);
    const viewer = await check(config());
    expect(logs(viewer.messages, 'WARN').join('\n')).toMatch(/no Contributor role in workspace/);
    sim.fabric.viewerWorkspaces.clear();
    const fine = await check(config());
    expect(logs(fine.messages, 'WARN').filter((l) => l.startsWith('report_definitions'))).toEqual([]);
    const status = fine.messages.find((m) => m.type === 'CONNECTION_STATUS') as {
      connectionStatus: { status: string };
    };
    expect(status.connectionStatus.status).toBe('SUCCEEDED');
  });
});
