import { startSimulator, type Simulator } from '../../simulator/index.js';
import { catalogFor, readOnce, type Message } from '../helpers/read-run.js';

function rows(messages: Message[], stream: string): Record<string, unknown>[] {
  return messages
    .filter((m) => m.type === 'RECORD' && (m.record as { stream: string }).stream === stream)
    .map((m) => (m.record as { data: Record<string, unknown> }).data);
}

describe('workspace selection', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, workspaces: 120, scanDurationMs: 20 });
  });
  afterAll(async () => {
    await sim.close();
  });

  test('name and id filters apply before scanning; personal workspaces on request; inactive ones only as workspace rows', async () => {
    const all = sim.tenant.listWorkspaces();
    const excludedId = all.find(
      (w) => !w.isPersonal && w.state === 'Active' && !/^Finance/i.test(w.name),
    )!.id;
    const config = {
      ...sim.config,
      scan: { poll_interval_seconds: 0.05 },
      workspaces: {
        exclude_name_patterns: ['^finance'],
        exclude_ids: [excludedId],
        include_personal_workspaces: true,
      },
    };
    const before = sim.stats().requests;
    const result = await readOnce(config, catalogFor('full_refresh', ['workspaces', 'reports']));
    expect(result.code).toBe(0);

    const expected = all.filter((w) => !/^finance/i.test(w.name) && w.id !== excludedId);
    expect(all.length - expected.length).toBeGreaterThan(1);
    const workspaces = rows(result.messages, 'workspaces');
    expect(workspaces.map((w) => w.id).sort()).toEqual(expected.map((w) => w.id).sort());
    expect(workspaces.some((w) => w.type === 'PersonalGroup')).toBe(true);

    // Excluded workspaces were never sent to getInfo: one scan per 100 of the selected ones.
    const after = sim.stats().requests;
    expect((after.getInfo ?? 0) - (before.getInfo ?? 0)).toBe(Math.ceil(expected.length / 100));

    const inactive = new Set(expected.filter((w) => w.state !== 'Active').map((w) => w.id));
    expect(inactive.size).toBeGreaterThan(0);
    const reports = rows(result.messages, 'reports');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.filter((r) => inactive.has(String(r.workspaceId)))).toEqual([]);
  });
});
