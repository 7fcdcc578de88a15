/**
 * Which reports a report stream reads: changed or new ones, oldest change first, at most the cap;
 * the rest, timed-out and failed ones wait in the state; refused ones are asked again after a day;
 * a state given back resumes exactly where the plan stood.
 */
import type { ReportOutcome, ReportStatus, Settlement } from '../../../src/streams/report-fetch.js';
import { REFUSED_RETRY_MS, ReportReadPlan } from '../../../src/streams/report-read-plan.js';
import type { ReportTarget } from '../../../src/streams/report-targets.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

function target(id: string, modified: string): ReportTarget {
  return {
    id,
    workspaceId: 'w1',
    name: id,
    datasetId: 'd1',
    datasetWorkspaceId: null,
    modified,
    kind: 'report',
  };
}

function scanned(...targets: ReportTarget[]): Map<string, ReportTarget> {
  return new Map(targets.map((t) => [t.id, t]));
}

function outcome(t: ReportTarget, status: ReportStatus, settlement: Settlement): ReportOutcome {
  return {
    target: t,
    readAt: new Date(NOW).toISOString(),
    status,
    reason: null,
    vendorCode: null,
    definition: null,
    fallbackPages: null,
    calls: 1,
    settlement,
  };
}

const ids = (plan: ReportReadPlan) => plan.chosen.map((t) => t.id);

test('a first read picks every scanned report, oldest change first, up to the cap; the rest wait', () => {
  const plan = new ReportReadPlan(
    undefined,
    scanned(
      target('c', '2026-01-03T00:00:00Z'),
      target('a', '2026-01-01T00:00:00Z'),
      target('b', '2026-01-02T00:00:00Z'),
    ),
    { cap: 2, now: NOW },
  );
  expect(ids(plan)).toEqual(['a', 'b']);
  expect(Object.keys(plan.state().pending as object).sort()).toEqual(['a', 'b', 'c']);
});

test('settled reports are read again only when their last change moves; waiting and changed ones by oldest change', () => {
  const a = target('a', '2026-01-01T00:00:00Z');
  const b = target('b', '2026-01-02T00:00:00Z');
  const c = target('c', '2026-01-03T00:00:00Z');
  const first = new ReportReadPlan(undefined, scanned(a, b, c), { cap: 2, now: NOW });
  for (const t of first.chosen) first.settle(outcome(t, 'read', 'done'), NOW);
  const state = first.state();
  expect(state).toMatchObject({ version: 1, reports: { a: a.modified, b: b.modified } });

  const unchanged = new ReportReadPlan(state, scanned(a, b), { cap: 10, now: NOW });
  expect(ids(unchanged)).toEqual(['c']);
  const changedA = target('a', '2026-02-01T00:00:00Z');
  expect(ids(new ReportReadPlan(state, scanned(changedA, b), { cap: 10, now: NOW }))).toEqual(['c', 'a']);
});

test('timed out and failed operations stay pending; refused reports are asked again after a day', () => {
  const a = target('a', '2026-01-01T00:00:00Z');
  const b = target('b', '2026-01-02T00:00:00Z');
  const plan = new ReportReadPlan(undefined, scanned(a, b), { cap: 10, now: NOW });
  plan.settle(outcome(a, 'timed_out', 'retry'), NOW);
  plan.settle(outcome(b, 'no_access', 'refused'), NOW);
  const state = plan.state();
  expect(Object.keys(state.pending as object)).toEqual(['a']);
  expect(state.refused).toMatchObject({ b: { s: 'no_access', at: NOW } });

  expect(ids(new ReportReadPlan(state, scanned(a, b), { cap: 10, now: NOW + 1000 }))).toEqual(['a']);
  expect(ids(new ReportReadPlan(state, new Map(), { cap: 10, now: NOW + REFUSED_RETRY_MS }))).toEqual([
    'a',
    'b',
  ]);
});

test('foreign or damaged state entries are ignored, never trusted to skip a report', () => {
  const a = target('a', '2026-01-01T00:00:00Z');
  const state = {
    version: 1,
    reports: { a: 42 },
    pending: { x: ['w', 'm', 'not-a-kind', null, null, null], y: 'nope' },
    refused: { z: { t: ['w'], s: 'no_access', at: 'yesterday' } },
  };
  expect(ids(new ReportReadPlan(state, scanned(a), { cap: 10, now: NOW }))).toEqual(['a']);
});
