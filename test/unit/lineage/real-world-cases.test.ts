import { repoRoot } from '../../../scripts/conformance-m.js';
import {
  casesDirectory,
  CATEGORIES,
  describeFailure,
  DIAGNOSTIC_KINDS,
  loadRealWorldCases,
  runRealWorldCases,
  type CategoryScore,
  type RealWorldReport,
} from '../../../scripts/real-world-cases.js';

/**
 * Our own cases, one category per kind of miss found on real published models (issue 13):
 * test/fixtures/lineage-conformance/*.json. `npm run conformance:m` prints the same figures.
 */
const OVERALL_FLOOR = 0.98;
const CATEGORY_FLOOR = 0.95;
const MIN_CASES_PER_CATEGORY = 8;

const cases = loadRealWorldCases(casesDirectory(repoRoot()));

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 1 : numerator / denominator;
}

/** The figures of one score that fall below `floor`, as readable lines. */
function belowFloor(label: string, score: CategoryScore, floor: number): string[] {
  const figures = {
    recall: ratio(score.truePositives, score.expected),
    precision: ratio(score.truePositives, score.produced),
    'diagnostics held': ratio(score.diagnosticsHeld, score.cases),
  };
  return Object.entries(figures)
    .filter(([, value]) => value < floor)
    .map(([name, value]) => `${label} ${name} ${value.toFixed(3)} < ${floor}`);
}

function summary(report: RealWorldReport): string {
  const line = (label: string, s: CategoryScore) =>
    `${label.padEnd(20)} recall ${ratio(s.truePositives, s.expected).toFixed(3)} (${s.truePositives}/${s.expected})  precision ${ratio(s.truePositives, s.produced).toFixed(3)} (${s.truePositives}/${s.produced})  passed ${s.passed}/${s.cases}`;
  return [
    ...CATEGORIES.map((category) => line(category, report.perCategory[category])),
    line('overall', report.overall),
  ].join('\n');
}

describe('our real-world lineage cases', () => {
  test('the case files are well formed: known categories and diagnostics, unique ids, enough cases', () => {
    const ids = cases.map((item) => item.id);
    expect(new Set(ids).size).toBe(ids.length);
    const problems: string[] = [];
    for (const item of cases) {
      if (!(CATEGORIES as readonly string[]).includes(item.category))
        problems.push(`${item.id}: category ${item.category}`);
      if (item.expression.trim() === '') problems.push(`${item.id}: empty expression`);
      for (const kind of [...(item.expectedDiagnostics ?? []), ...(item.forbiddenDiagnostics ?? [])])
        if (!(kind in DIAGNOSTIC_KINDS)) problems.push(`${item.id}: diagnostic ${kind}`);
      for (const edge of item.expected)
        if (edge.platform === '' || edge.qualifiedName !== edge.qualifiedName.toLowerCase())
          problems.push(`${item.id}: expected edge ${JSON.stringify(edge)}`);
    }
    expect(problems).toEqual([]);
    for (const category of CATEGORIES) {
      const inCategory = cases.filter((item) => item.category === category);
      // Cases of the category's own kind; `ordinary_*` ones are there for precision.
      const own = inCategory.filter((item) => !item.id.startsWith('ordinary_'));
      expect({ category, own: own.length >= MIN_CASES_PER_CATEGORY }).toEqual({ category, own: true });
      expect({ category, ordinary: inCategory.length - own.length >= 8 }).toEqual({
        category,
        ordinary: true,
      });
    }
  });

  test('recall, precision and diagnostics reach the floors overall and per category', async () => {
    const report = await runRealWorldCases(cases);
    console.log(`real-world lineage cases\n${summary(report)}`);
    const shortfalls = [
      ...belowFloor('overall', report.overall, OVERALL_FLOOR),
      ...CATEGORIES.flatMap((category) => belowFloor(category, report.perCategory[category], CATEGORY_FLOOR)),
    ];
    const failures = report.failures.flatMap(describeFailure);
    // On a shortfall the diff lists every failing case with its missed and extra edges.
    expect(shortfalls.length === 0 ? [] : [...shortfalls, ...failures]).toEqual([]);
  });
});
