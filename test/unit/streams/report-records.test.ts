/**
 * Visual fields checked against the report's dataset as the scan saw it: present, missing (a
 * broken visual), unknown (dataset not scanned), report-level measures, hierarchy levels.
 */
import type { ScanDataset } from '../../../src/powerbi/scan-types.js';
import { DatasetSchemas } from '../../../src/streams/report-dataset-schemas.js';
import type { ParsedDefinition, VisualField } from '../../../src/streams/report-definition-model.js';
import type { ReportOutcome } from '../../../src/streams/report-fetch.js';
import { definitionRecord, pageRecords, visualRecords } from '../../../src/streams/report-records.js';

const dataset: ScanDataset = {
  id: 'D1',
  tables: [
    { name: 'Sales', columns: [{ name: 'Amount' }, { name: 'Region' }], measures: [{ name: 'Total' }] },
    { name: 'Date', columns: [{ name: 'Year' }] },
  ],
};

function f(kind: VisualField['kind'], rest: Partial<VisualField>): VisualField {
  return {
    role: 'Values',
    kind,
    table: 'Sales',
    column: null,
    measure: null,
    aggregation: null,
    hierarchy: null,
    level: null,
    queryRef: null,
    reportMeasure: false,
    ...rest,
  };
}

function outcome(datasetId: string, fields: VisualField[]): ReportOutcome {
  const definition: ParsedDefinition = {
    format: 'pbir',
    datasetId: null,
    pages: [{ name: 'p1', displayName: 'One', order: 0, hidden: false, pageType: null, width: 1, height: 1 }],
    visuals: [
      {
        id: 'v1',
        pageName: 'p1',
        visualType: 'tableEx',
        title: null,
        hidden: false,
        isGroup: false,
        parentGroup: null,
        x: 0,
        y: 0,
        width: 1,
        height: 1,
        fields,
      },
    ],
    reportMeasures: [{ table: 'Sales', name: 'Local', expression: '1', dataType: null }],
    problems: [],
  };
  return {
    target: {
      id: 'r1',
      workspaceId: 'w1',
      name: 'R',
      datasetId,
      datasetWorkspaceId: null,
      modified: '',
      kind: 'report',
    },
    readAt: '2026-03-01T00:00:00.000Z',
    status: 'read',
    reason: null,
    vendorCode: null,
    definition,
    fallbackPages: null,
    calls: 3,
    settlement: 'done',
  };
}

const schemas = new DatasetSchemas();
schemas.add(dataset);

test('fields present in the dataset resolve (case-insensitively); missing ones do not', () => {
  const fields = [
    f('column', { column: 'amount' }),
    f('aggregation', { column: 'Amount', aggregation: 'Sum' }),
    f('measure', { measure: 'Total' }),
    f('column', { column: 'Gone' }),
    f('measure', { measure: 'Gone' }),
    f('column', { table: 'Other', column: 'Amount' }),
  ];
  const [visual] = visualRecords(outcome('d1', fields), schemas);
  expect(visual!.fields!.map((x) => x.resolved)).toEqual([true, true, true, false, false, false]);
  expect(visual).toMatchObject({ datasetId: 'd1', datasetWorkspaceId: 'w1', pageName: 'p1', id: 'v1' });
});

test('a dataset this sync did not scan: resolved is null, not false', () => {
  const [visual] = visualRecords(outcome('other', [f('column', { column: 'Amount' })]), schemas);
  expect(visual!.fields![0]!.resolved).toBeNull();
  expect(
    visualRecords(outcome('d1', [f('column', { column: 'Amount' })]), undefined)[0]!.fields![0]!.resolved,
  ).toBeNull();
});

test("report-level measures are marked (by the extension schema or by the report's list) and never resolved", () => {
  const fields = [
    f('measure', { measure: 'Local' }),
    f('measure', { measure: 'Total', reportMeasure: true }),
  ];
  const [visual] = visualRecords(outcome('d1', fields), schemas);
  expect(visual!.fields!.map((x) => [x.reportMeasure, x.resolved])).toEqual([
    [true, false],
    [true, false],
  ]);
});

test('a hierarchy level shows the column named like the level when the table has one', () => {
  const fields = [
    f('hierarchy_level', { table: 'Date', hierarchy: 'Calendar', level: 'Year' }),
    f('hierarchy_level', { table: 'Date', hierarchy: 'Calendar', level: 'Week' }),
  ];
  const [visual] = visualRecords(outcome('d1', fields), schemas);
  expect(visual!.fields!.map((x) => [x.column, x.resolved])).toEqual([
    ['Year', true],
    [null, false],
  ]);
});

test('definition and page rows carry the same readAt; counts come from the definition', () => {
  const o = outcome('d1', [f('column', { column: 'Amount' })]);
  expect(definitionRecord(o)).toMatchObject({
    readAt: o.readAt,
    pageCount: 1,
    visualCount: 1,
    fieldCount: 1,
    source: 'definition',
    apiCalls: 3,
  });
  expect(pageRecords(o)).toEqual([
    expect.objectContaining({ readAt: o.readAt, name: 'p1', visualCount: 1, source: 'definition' }),
  ]);
});
