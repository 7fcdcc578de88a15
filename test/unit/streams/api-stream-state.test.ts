import { contentOf, linksOf, readLinks, writeLinks } from '../../../src/streams/app-content.js';
import {
  flattenTargets,
  mergeTargets,
  readTargets,
  targetsOf,
  writeTargets,
} from '../../../src/streams/refresh-targets.js';
import type { ScanWorkspace } from '../../../src/powerbi/scan-types.js';

const ws: ScanWorkspace = {
  id: 'W1',
  type: 'Workspace',
  state: 'Active',
  datasets: [
    { id: 'import', contentProviderType: 'PbixInImportMode' },
    { id: 'dq', contentProviderType: 'PbixInDirectQueryMode' },
    { id: 'push', contentProviderType: 'RealTime' },
    { id: 'flagged', isRefreshable: false },
  ],
  dataflows: [{ objectId: 'flow' }],
  reports: [{ id: 'R1' }, { id: 'APP-R1', appId: 'APP', originalReportObjectId: 'R1' }],
  dashboards: [{ id: 'D1', appId: 'APP' }],
};

describe('refresh targets', () => {
  it('keeps datasets that refresh and every dataflow; nothing of personal or deleted workspaces', () => {
    expect(targetsOf(ws)).toEqual({ datasets: ['import'], dataflows: ['flow'] });
    expect(targetsOf({ ...ws, type: 'PersonalGroup' })).toEqual({ datasets: [], dataflows: [] });
    expect(targetsOf({ ...ws, state: 'Deleted' })).toEqual({ datasets: [], dataflows: [] });
  });

  it('round-trips through state; a re-scanned workspace replaces its entry', () => {
    const stored = readTargets({
      workspaces: writeTargets(
        new Map([
          ['w1', targetsOf(ws)],
          ['w2', { datasets: ['x'], dataflows: [] }],
        ]),
      ),
    });
    const merged = mergeTargets(stored, new Map([['w2', { datasets: [], dataflows: [] }]]));
    expect(flattenTargets(merged)).toEqual([
      { type: 'Dataset', workspaceId: 'w1', id: 'import' },
      { type: 'Dataflow', workspaceId: 'w1', id: 'flow' },
    ]);
    expect(writeTargets(merged)).toEqual({ w1: { d: ['import'], f: ['flow'] } });
  });
});

describe('app content', () => {
  it('links app report copies to their originals and keeps only app workspaces in state', () => {
    const links = new Map([
      ['w1', linksOf(ws)],
      ['w9', { reports: [], dashboards: [] }],
    ]);
    const stored = readLinks({ workspaces: writeLinks(links, new Set(['w1'])) });
    expect([...stored.keys()]).toEqual(['w1']);
    expect(contentOf(stored, 'App', 'W1')).toEqual({
      reports: [{ appReportId: 'app-r1', originalReportId: 'r1' }],
      dashboardIds: ['d1'],
    });
    expect(contentOf(stored, 'app', 'unscanned')).toBeUndefined();
  });
});
