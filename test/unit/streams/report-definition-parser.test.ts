/**
 * Report definition parts → pages, visuals, fields and report-level measures, for both formats,
 * from hand-written parts shaped like Microsoft's documentation (not from the simulator's writer).
 */
import type { DefinitionPart } from '../../../src/powerbi/report-definitions.js';
import type { ParsedDefinition } from '../../../src/streams/report-definition-model.js';
import { parseDefinition } from '../../../src/streams/report-definition-parser.js';

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64');
const part = (path: string, value: unknown): DefinitionPart => ({
  path,
  payload: b64(value),
  payloadType: 'InlineBase64',
});

function parsed(parts: DefinitionPart[]): ParsedDefinition {
  const result = parseDefinition(parts);
  if (!('format' in result)) throw new Error(`not parsed: ${result.problems.join('; ')}`);
  return result;
}

const pbirFile = part('definition.pbir', {
  version: '4.0',
  datasetReference: {
    byConnection: {
      connectionString: 'Data Source="powerbi://api.powerbi.com/v1.0/myorg/Sales";initial catalog=Model',
      pbiModelDatabaseName: '0B1C2D3E-4F50-4617-8293-A4B5C6D7E8F9',
    },
  },
});

const col = (source: Record<string, string>, property: string) => ({
  Column: { Expression: { SourceRef: source }, Property: property },
});

describe('PBIR-Legacy (report.json)', () => {
  const visualConfig = {
    name: 'v1',
    layouts: [{ id: 0, position: { x: 1, y: 2 }, display: { mode: 'hidden' } }],
    singleVisual: {
      visualType: 'clusteredColumnChart',
      projections: {
        Category: [{ queryRef: 'd.Order Date.Variation.Date Hierarchy.Year', active: true }],
        Y: [{ queryRef: 'Sum(Sales.Amount)' }, { queryRef: 'Sales.Margin %' }],
        Tooltips: [{ queryRef: 'Geo.Geography.Country' }],
      },
      prototypeQuery: {
        Version: 2,
        From: [
          { Name: 's', Entity: 'Sales', Type: 0 },
          { Name: 'x', Entity: 'Sales', Schema: 'extension', Type: 0 },
          { Name: 'g', Entity: 'Geo', Type: 0 },
        ],
        Select: [
          {
            HierarchyLevel: {
              Expression: {
                Hierarchy: {
                  Expression: {
                    PropertyVariationSource: {
                      Expression: { SourceRef: { Source: 's' } },
                      Name: 'Variation',
                      Property: 'Order Date',
                    },
                  },
                  Hierarchy: 'Date Hierarchy',
                },
              },
              Level: 'Year',
            },
            Name: 'd.Order Date.Variation.Date Hierarchy.Year',
          },
          {
            Aggregation: { Expression: col({ Source: 's' }, 'Amount'), Function: 0 },
            Name: 'Sum(Sales.Amount)',
          },
          {
            Measure: { Expression: { SourceRef: { Source: 'x' } }, Property: 'Margin %' },
            Name: 'Sales.Margin %',
          },
          {
            HierarchyLevel: {
              Expression: {
                Hierarchy: { Expression: { SourceRef: { Source: 'g' } }, Hierarchy: 'Geography' },
              },
              Level: 'Country',
            },
            Name: 'Geo.Geography.Country',
          },
          { ...col({ Source: 'g' }, 'Region'), Name: 'Geo.Region' },
        ],
      },
      vcObjects: {
        title: [{ properties: { text: { expr: { Literal: { Value: "'Sales by year ''24'" } } } } }],
      },
    },
  };
  const report = {
    config: JSON.stringify({
      modelExtensions: [
        {
          name: 'extension',
          entities: [
            {
              name: 'Sales',
              extends: 'Sales',
              measures: [{ name: 'Margin %', expression: 'DIVIDE(1, 2)', dataType: 'Double' }],
            },
          ],
        },
      ],
    }),
    sections: [
      {
        name: 'ReportSection',
        displayName: 'Overview',
        ordinal: 0,
        width: 1280,
        height: 720,
        config: '{}',
        visualContainers: [
          { x: 10, y: 20, width: 300, height: 200, config: JSON.stringify(visualConfig) },
          {
            x: 0,
            y: 0,
            width: 10,
            height: 10,
            config: JSON.stringify({ name: 'g1', singleVisualGroup: { displayName: 'Group 1' } }),
          },
          { x: 0, y: 0, width: 10, height: 10, config: '{"name": "broken", ' },
        ],
      },
      {
        name: 'ReportSection2',
        displayName: 'Hidden',
        ordinal: 1,
        config: '{"visibility":1}',
        visualContainers: [],
      },
    ],
  };
  const definition = () => parsed([pbirFile, part('report.json', report)]);

  test('pages with order and hidden flag; the semantic model from definition.pbir', () => {
    const result = definition();
    expect(result.format).toBe('pbir-legacy');
    expect(result.datasetId).toBe('0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9');
    expect(result.pages.map((p) => [p.name, p.displayName, p.order, p.hidden, p.width])).toEqual([
      ['ReportSection', 'Overview', 0, false, 1280],
      ['ReportSection2', 'Hidden', 1, true, null],
    ]);
  });

  test('fields resolved through the From aliases, with their bucket; unused Select items have no bucket', () => {
    const [visual] = definition().visuals;
    expect(visual).toMatchObject({
      id: 'v1',
      visualType: 'clusteredColumnChart',
      title: "Sales by year '24",
      hidden: true,
      x: 10,
    });
    expect(
      visual!.fields.map((f) => [
        f.role,
        f.kind,
        f.table,
        f.column,
        f.measure,
        f.aggregation,
        f.hierarchy,
        f.level,
        f.reportMeasure,
      ]),
    ).toEqual([
      ['Category', 'hierarchy_level', 'Sales', 'Order Date', null, null, 'Date Hierarchy', 'Year', false],
      ['Y', 'aggregation', 'Sales', 'Amount', null, 'Sum', null, null, false],
      ['Y', 'measure', 'Sales', null, 'Margin %', null, null, null, true],
      ['Tooltips', 'hierarchy_level', 'Geo', null, null, null, 'Geography', 'Country', false],
      [null, 'column', 'Geo', 'Region', null, null, null, null, false],
    ]);
  });

  test('report-level measures, groups, and a visual whose config is not JSON is left out and named', () => {
    const result = definition();
    expect(result.reportMeasures).toEqual([
      { table: 'Sales', name: 'Margin %', expression: 'DIVIDE(1, 2)', dataType: 'Double' },
    ]);
    expect(result.visuals.map((v) => [v.id, v.isGroup, v.title])).toEqual([
      ['v1', false, "Sales by year '24"],
      ['g1', true, 'Group 1'],
    ]);
    expect(result.problems).toEqual(['report.json page ReportSection visual #2 config: not valid JSON']);
  });
});

describe('PBIR (definition/ folder)', () => {
  const visual = {
    name: 'a1b2',
    position: { x: 5, y: 6, height: 100, width: 200 },
    visual: {
      visualType: 'tableEx',
      query: {
        queryState: {
          Values: {
            projections: [
              { field: col({ Entity: 'Customer' }, 'City'), queryRef: 'Customer.City' },
              {
                field: {
                  Measure: {
                    Expression: { SourceRef: { Schema: 'extension', Entity: 'Customer' } },
                    Property: 'Local',
                  },
                },
                queryRef: 'Customer.Local',
              },
              {
                field: { Aggregation: { Expression: col({ Entity: 'Customer' }, 'Id'), Function: 5 } },
                queryRef: 'CountNonNull(Customer.Id)',
              },
              { field: { Literal: { Value: '1L' } }, queryRef: 'literal' },
            ],
          },
        },
      },
      visualContainerObjects: {
        title: [{ properties: { text: { expr: { Literal: { Value: "'Cities'" } } } } }],
      },
    },
    parentGroupName: 'grp',
  };
  const parts = [
    pbirFile,
    part('definition/pages/pages.json', { pageOrder: ['p2', 'p1'] }),
    part('definition/pages/p1/page.json', {
      name: 'p1',
      displayName: 'Tip',
      visibility: 'HiddenInViewMode',
      type: 'Tooltip',
      width: 320,
      height: 240,
    }),
    part('definition/pages/p2/page.json', { name: 'p2', displayName: 'Main', displayOption: 'FitToPage' }),
    part('definition/pages/p2/visuals/a1b2/visual.json', visual),
    part('definition/pages/p2/visuals/grp/visual.json', {
      name: 'grp',
      position: {},
      visualGroup: { displayName: 'Box', groupMode: 'ScaleMode' },
    }),
    part('definition/pages/p1/visuals/bad/visual.json', '{"name":'),
    part('definition/pages/p1/visuals/deep/visual.json', `${'['.repeat(200)}${']'.repeat(200)}`),
    part('definition/reportExtensions.json', {
      name: 'extension',
      entities: [{ name: 'Customer', measures: [{ name: 'Local', expression: '1' }] }],
    }),
    part('StaticResources/RegisteredResources/logo.png', 'not json at all'),
    { path: 'definition/report.json', payload: '{}', payloadType: 'SomethingElse' },
  ];

  test('pages in pages.json order, hidden tooltip page, visuals page by page', () => {
    const result = parsed(parts);
    expect(result.format).toBe('pbir');
    expect(result.pages.map((p) => [p.name, p.order, p.hidden, p.pageType])).toEqual([
      ['p2', 0, false, null],
      ['p1', 1, true, 'Tooltip'],
    ]);
    expect(result.visuals.map((v) => [v.pageName, v.id, v.isGroup, v.parentGroup])).toEqual([
      ['p2', 'a1b2', false, 'grp'],
      ['p2', 'grp', true, null],
    ]);
  });

  test('queryState projections: column, report-level measure (extension schema), aggregation; literals show no field', () => {
    const table = parsed(parts).visuals[0]!;
    expect(table.title).toBe('Cities');
    expect(
      table.fields.map((f) => [
        f.role,
        f.kind,
        f.table,
        f.column,
        f.measure,
        f.aggregation,
        f.reportMeasure,
        f.queryRef,
      ]),
    ).toEqual([
      ['Values', 'column', 'Customer', 'City', null, null, false, 'Customer.City'],
      ['Values', 'measure', 'Customer', null, 'Local', null, true, 'Customer.Local'],
      ['Values', 'aggregation', 'Customer', 'Id', null, 'CountNonNull', false, 'CountNonNull(Customer.Id)'],
    ]);
    expect(parsed(parts).reportMeasures).toEqual([
      { table: 'Customer', name: 'Local', expression: '1', dataType: null },
    ]);
  });

  test('bad, too deep and non-base64 parts are named, not thrown; static resources are not decoded', () => {
    expect(parsed(parts).problems.sort()).toEqual([
      'definition/pages/p1/visuals/bad/visual.json: not valid JSON',
      'definition/pages/p1/visuals/deep/visual.json: nested deeper than 128 levels',
      'definition/report.json: payload type SomethingElse is not InlineBase64',
    ]);
  });
});

test('parts with neither report.json nor definition/pages: problems only', () => {
  expect(parseDefinition([pbirFile, part('StaticResources/x.json', {})])).toEqual({
    problems: ['the definition has neither report.json (PBIR-Legacy) nor definition/pages (PBIR)'],
  });
  expect(parseDefinition([part('report.json', 'garbage')])).toEqual({
    problems: ['report.json: not valid JSON'],
  });
});
