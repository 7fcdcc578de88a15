import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tenant } from '../../../simulator/tenant/tenant.js';
import type { DatasourceInstance, ScanDataset } from '../../../simulator/tenant/types.js';
import {
  extractMLineage,
  LineageCache,
  type DataSourceHint,
  type MExpressionInput,
  type NamedExpression,
} from '../../../src/lineage/index.js';
import { looksLikeDax } from '../../../src/lineage/dax/dax.js';
import { DATA_ACCESS_FUNCTIONS } from '../../../src/lineage/functions/registry.js';
import { TEXT_FUNCTIONS } from '../../../src/lineage/functions/text-functions.js';
import { loadCorpus, optionsOf, repoRoot } from '../../../scripts/conformance-m.js';
import {
  casesDirectory,
  DIAGNOSTIC_KINDS,
  inputOf,
  loadRealWorldCases,
} from '../../../scripts/real-world-cases.js';

/**
 * No silent gaps: every M table expression that names a data source (a data-access function, a
 * structured data source `#"Kind/…"`, another table of its dataset, or a dataset query that is not
 * a parameter) gets at least one upstream or at least one diagnostic, over the simulator's tenant,
 * our conformance cases and the peer corpus.
 */

interface Checked {
  id: string;
  input: MExpressionInput;
}

const WORKSPACES = 250;

/** The M text with comments removed and text literals emptied; quoted identifiers (#"…") kept. */
function codeOnly(m: string): string {
  let out = '';
  let at = 0;
  while (at < m.length) {
    const rest = m.slice(at);
    if (rest.startsWith('//')) {
      const end = m.indexOf('\n', at);
      at = end < 0 ? m.length : end;
    } else if (rest.startsWith('/*')) {
      const end = m.indexOf('*/', at + 2);
      at = end < 0 ? m.length : end + 2;
    } else if (rest.startsWith('#"') || rest.startsWith('"')) {
      const quoted = /^#?"(?:[^"]|"")*"?/.exec(rest)?.[0] ?? rest;
      out += quoted.startsWith('#') ? quoted : '""';
      at += quoted.length;
    } else {
      out += m[at];
      at += 1;
    }
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// Text.Combine / Text.From are in the registry to build names, not to read data.
const SOURCE_FUNCTIONS = Object.keys(DATA_ACCESS_FUNCTIONS).filter(
  (name) => name.includes('.') && !(name in TEXT_FUNCTIONS),
);
const CALLS_A_SOURCE = new RegExp(`(?<![\\w.])(?:${SOURCE_FUNCTIONS.map(escapeRegExp).join('|')})\\s*\\(`);
const STRUCTURED_SOURCE = /#"[A-Za-z][A-Za-z0-9]*\/(?:[^"]|"")+"/;

/** A reference to another table by name: `#"Name"`, or a plain identifier not used as a field or member. */
function namesTable(code: string, name: string): boolean {
  const quoted = `#"${name.replace(/"/g, '""')}"`;
  if (code.includes(quoted)) return true;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return false;
  return new RegExp(`(?<![\\w.#"\\[])${name}(?![\\w"\\]])`).test(code);
}

/** The dataset's queries that are not parameters: reading one reads whatever it reads. */
function sharedQueries(input: MExpressionInput): NamedExpression[] {
  return (input.expressions ?? []).filter((named) => !/IsParameterQuery\s*=\s*true/i.test(named.expression));
}

function namesASource(input: MExpressionInput): boolean {
  const code = codeOnly(input.expression);
  return (
    CALLS_A_SOURCE.test(code) ||
    STRUCTURED_SOURCE.test(code) ||
    [...(input.tables ?? []), ...sharedQueries(input)].some((named) => namesTable(code, named.name))
  );
}

function hintOf(instance: DatasourceInstance): DataSourceHint {
  const hint: DataSourceHint = { type: instance.datasourceType };
  for (const key of ['server', 'database', 'url', 'path'] as const) {
    const value = instance.connectionDetails[key];
    if (value !== undefined) hint[key] = value;
  }
  return hint;
}

function tableSources(dataset: ScanDataset): NamedExpression[] {
  return (dataset.tables ?? []).flatMap((table) => {
    const expression = table.source?.find((part) => part.expression.trim() !== '')?.expression;
    return expression === undefined ? [] : [{ name: table.name, expression }];
  });
}

/** Every table M expression of a generated tenant, with its dataset's expressions, other tables and datasources. */
function simulatorInputs(): Checked[] {
  const tenant = new Tenant({
    seed: 42,
    workspaces: WORKSPACES,
    startMs: Date.parse('2026-11-28T09:00:00Z'),
    emailDomain: 'contoso.com',
    scannerApp: { clientId: '7c8f2b1e-4d3a-4e6b-9f10-2a5c6d7e8f90', displayName: 'Scanner' },
  });
  const checked: Checked[] = [];
  for (let index = 0; index < tenant.size; index += 1) {
    const built = tenant.build(index);
    for (const dataset of built.workspace.datasets ?? []) {
      const expressions = (dataset.expressions ?? []).flatMap(({ name, expression }) =>
        expression === undefined ? [] : [{ name, expression }],
      );
      const used = new Set((dataset.datasourceUsages ?? []).map((u) => u.datasourceInstanceId));
      const dataSources = built.datasources.filter((d) => used.has(d.datasourceId)).map(hintOf);
      const tables = tableSources(dataset);
      for (const table of dataset.tables ?? [])
        for (const [part, { expression }] of (table.source ?? []).entries())
          checked.push({
            id: `simulator ${dataset.id} ${table.name}#${part}`,
            input: {
              expression,
              expressions,
              tables: tables.filter((other) => other.name !== table.name),
              dataSources,
            },
          });
    }
  }
  return checked;
}

function ownCaseInputs(): Checked[] {
  return loadRealWorldCases(casesDirectory(repoRoot())).map((item) => ({
    id: `case ${item.id}`,
    input: inputOf(item),
  }));
}

function peerCorpusInputs(): Checked[] {
  return (loadCorpus() ?? []).map((item) => ({
    id: `peer ${item.id}`,
    input: {
      expression: item.expression,
      ...(item.shared_expressions === undefined ? {} : { expressions: item.shared_expressions }),
      ...(item.parameters === undefined ? {} : { parameters: item.parameters }),
      options: optionsOf(item.config),
    },
  }));
}

/** The inputs of one group that are M naming a source, and those of them with no upstream and no diagnostic. */
async function silentGaps(group: Checked[]): Promise<{ checked: number; offenders: string[] }> {
  const cache = new LineageCache();
  const candidates = group.filter(({ input }) => !looksLikeDax(input.expression) && namesASource(input));
  const offenders: string[] = [];
  for (const { id, input } of candidates) {
    const result = await extractMLineage(input, cache);
    if (result.upstreams.length === 0 && result.diagnostics.length === 0)
      offenders.push(`${id}: ${input.expression.replace(/\s+/g, ' ').slice(0, 160)}`);
  }
  console.log(`${candidates.length} of ${group.length} inputs name a source; ${offenders.length} silent`);
  if (offenders.length > 0) console.log(`silent lineage gaps:\n${offenders.join('\n')}`);
  return { checked: candidates.length, offenders };
}

describe('no silent gaps in lineage', () => {
  test('the source detector sees calls, structured sources and table names, not text or comments', () => {
    const table = (expression: string, tables: NamedExpression[] = []) =>
      namesASource({ expression, tables });
    expect(table('let S = Sql.Database("a", "b") in S')).toBe(true);
    expect(table('let S = #"SQL/srv;db" in S')).toBe(true);
    expect(table('let S = Sales_fct in S', [{ name: 'Sales_fct', expression: '' }])).toBe(true);
    expect(table('let S = #"Dim Date" in S', [{ name: 'Dim Date', expression: '' }])).toBe(true);
    expect(table('let S = "Sql.Database(x)" in S')).toBe(false);
    expect(table('// Sql.Database(x)\nlet S = 1 in S')).toBe(false);
    expect(table('let S = T[Sales_fct] in S', [{ name: 'Sales_fct', expression: '' }])).toBe(false);
    expect(table('let S = Text.Combine({"a", "b"}) in S')).toBe(false);
    const query = (expression: string) => ({
      expression: 'let S = Staging in S',
      expressions: [{ name: 'Staging', expression }],
    });
    expect(namesASource(query('let S = Sql.Database("a", "b") in S'))).toBe(true);
    expect(namesASource(query('"x" meta [IsParameterQuery=true, Type="Text"]'))).toBe(false);
  });

  test('the simulator tenant: every table naming a source has an upstream or a diagnostic', async () => {
    const { checked, offenders } = await silentGaps(simulatorInputs());
    expect(checked).toBeGreaterThan(WORKSPACES);
    expect(offenders).toEqual([]);
  });

  test('our conformance cases: every case has an upstream or a diagnostic', async () => {
    const { checked, offenders } = await silentGaps(ownCaseInputs());
    expect(checked).toBeGreaterThan(100);
    expect(offenders).toEqual([]);
  });

  const corpus = peerCorpusInputs();
  (corpus.length === 0 ? test.skip : test)(
    'the peer corpus: every M case naming a source has an upstream or a diagnostic',
    async () => {
      const { checked, offenders } = await silentGaps(corpus);
      expect(checked).toBeGreaterThan(30);
      expect(offenders).toEqual([]);
    },
  );

  test('docs/lineage.md documents every diagnostic kind', () => {
    const docs = readFileSync(path.join(repoRoot(), 'docs', 'lineage.md'), 'utf8');
    const undocumented = Object.keys(DIAGNOSTIC_KINDS).filter((kind) => !docs.includes(`| \`${kind}\` |`));
    expect(undocumented).toEqual([]);
  });
});
