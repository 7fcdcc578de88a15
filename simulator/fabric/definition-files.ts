/**
 * A report's definition (simulator/tenant/report-definitions.ts) as the Fabric API returns it:
 * base64 parts in the PBIR-Legacy format (report.json, its sections, visual containers with a
 * `config` JSON string holding singleVisual.projections and prototypeQuery) or the PBIR format
 * (definition/pages/…/page.json and …/visuals/…/visual.json with visual.query.queryState), plus
 * definition.pbir and a few static resources a connector has to skip.
 * https://learn.microsoft.com/rest/api/fabric/articles/item-management/definitions/report-definition
 */
import {
  AGGREGATION_FUNCTIONS,
  type ReportDefinitionTruth,
  type TruthField,
  type TruthPage,
  type TruthVisual,
} from '../tenant/report-definitions.js';

export interface DefinitionPartBody {
  path: string;
  payload: string;
  payloadType: 'InlineBase64';
}

export interface DefinitionContext {
  workspaceName: string;
  datasetName: string;
}

const SCHEMAS = 'https://developer.microsoft.com/json-schemas/fabric/item/report/definition';
type Json = Record<string, unknown>;
type SourceRef = (table: string, extension: boolean) => Json;

function part(path: string, content: unknown): DefinitionPartBody {
  const text = typeof content === 'string' ? content : JSON.stringify(content, null, 2);
  return { path, payload: Buffer.from(text, 'utf8').toString('base64'), payloadType: 'InlineBase64' };
}

function queryRefOf(f: TruthField): string {
  switch (f.kind) {
    case 'column':
      return `${f.table}.${f.column}`;
    case 'measure':
      return `${f.table}.${f.measure}`;
    case 'aggregation':
      return `${f.aggregation}(${f.table}.${f.column})`;
    case 'hierarchy_level':
      return f.dateVariation
        ? `${f.table}.${f.column}.Variation.${f.hierarchy}.${f.level}`
        : `${f.table}.${f.hierarchy}.${f.level}`;
  }
}

function expressionOf(f: TruthField, ref: SourceRef): Json {
  const source = ref(f.table, f.reportMeasure);
  switch (f.kind) {
    case 'column':
      return { Column: { Expression: source, Property: f.column } };
    case 'measure':
      return { Measure: { Expression: source, Property: f.measure } };
    case 'aggregation':
      return {
        Aggregation: {
          Expression: { Column: { Expression: source, Property: f.column } },
          Function: AGGREGATION_FUNCTIONS.indexOf(f.aggregation as (typeof AGGREGATION_FUNCTIONS)[number]),
        },
      };
    case 'hierarchy_level': {
      const over = f.dateVariation
        ? { PropertyVariationSource: { Expression: source, Name: 'Variation', Property: f.column } }
        : source;
      return {
        HierarchyLevel: {
          Expression: { Hierarchy: { Expression: over, Hierarchy: f.hierarchy } },
          Level: f.level,
        },
      };
    }
  }
}

function literal(text: string): Json {
  return { expr: { Literal: { Value: `'${text.replace(/'/g, "''")}'` } } };
}

function titleObjects(title: string | null): Json | undefined {
  return title === null
    ? undefined
    : { title: [{ properties: { show: { expr: { Literal: { Value: 'true' } } }, text: literal(title) } }] };
}

// ---- PBIR-Legacy ----

/** The prototypeQuery's From aliases: one per table (and per extension schema), like Power BI writes them. */
function legacyQuery(fields: TruthField[]): { query: Json; projections: Json } {
  const aliases = new Map<string, string>();
  const from: Json[] = [];
  const ref: SourceRef = (table, extension) => {
    const key = `${extension ? 'x' : 'm'}|${table}`;
    let alias = aliases.get(key);
    if (!alias) {
      const letter = /^[a-z]/i.test(table) ? table[0]!.toLowerCase() : 't';
      alias = aliases.size === 0 ? letter : `${letter}${aliases.size}`;
      aliases.set(key, alias);
      from.push({ Name: alias, Entity: table, ...(extension && { Schema: 'extension' }), Type: 0 });
    }
    return { SourceRef: { Source: alias } };
  };
  const select = new Map<string, Json>();
  const projections: Record<string, Json[]> = {};
  for (const f of fields) {
    const queryRef = queryRefOf(f);
    if (!select.has(queryRef)) select.set(queryRef, { ...expressionOf(f, ref), Name: queryRef });
    (projections[f.role] ??= []).push({ queryRef, ...(f.kind === 'hierarchy_level' && { active: true }) });
  }
  return { query: { Version: 2, From: from, Select: [...select.values()] }, projections };
}

function legacyContainer(v: TruthVisual): Json {
  const layout = {
    id: 0,
    position: { x: v.x, y: v.y, z: 0, width: v.width, height: v.height },
    ...(v.hidden && { display: { mode: 'hidden' } }),
  };
  const config: Json = {
    name: v.id,
    layouts: [layout],
    ...(v.parentGroup && { parentGroupName: v.parentGroup }),
  };
  if (v.isGroup) config.singleVisualGroup = { displayName: v.title, groupMode: 0 };
  else {
    const { query, projections } = legacyQuery(v.fields);
    config.singleVisual = {
      visualType: v.visualType,
      projections,
      prototypeQuery: query,
      ...(titleObjects(v.title) && { vcObjects: titleObjects(v.title) }),
    };
  }
  return {
    x: v.x,
    y: v.y,
    z: 0,
    width: v.width,
    height: v.height,
    config: JSON.stringify(config),
    filters: '[]',
  };
}

function legacyReport(truth: ReportDefinitionTruth): Json {
  const extension =
    truth.reportMeasures.length === 0
      ? {}
      : {
          modelExtensions: [
            {
              name: 'extension',
              entities: [...new Set(truth.reportMeasures.map((m) => m.table))].map((table) => ({
                name: table,
                extends: table,
                measures: truth.reportMeasures
                  .filter((m) => m.table === table)
                  .map((m) => ({ name: m.name, dataType: m.dataType, expression: m.expression })),
              })),
            },
          ],
        };
  return {
    config: JSON.stringify({
      version: '5.59',
      themeCollection: { baseTheme: { name: 'CY24SU06' } },
      ...extension,
    }),
    layoutOptimization: 0,
    resourcePackages: [],
    sections: truth.pages.map((page) => ({
      name: page.name,
      displayName: page.displayName,
      ordinal: page.order,
      displayOption: 1,
      width: page.width,
      height: page.height,
      config: JSON.stringify(page.hidden ? { visibility: 1 } : {}),
      filters: '[]',
      visualContainers: truth.visuals.filter((v) => v.pageName === page.name).map(legacyContainer),
    })),
  };
}

// ---- PBIR ----

const pbirRef: SourceRef = (table, extension) => ({
  SourceRef: { ...(extension && { Schema: 'extension' }), Entity: table },
});

function pbirVisual(v: TruthVisual): Json {
  const position = { x: v.x, y: v.y, z: 0, height: v.height, width: v.width, tabOrder: 0 };
  const base = {
    $schema: `${SCHEMAS}/visualContainer/2.0.0/schema.json`,
    name: v.id,
    position,
    ...(v.parentGroup && { parentGroupName: v.parentGroup }),
    ...(v.hidden && { isHidden: true }),
  };
  if (v.isGroup) return { ...base, visualGroup: { displayName: v.title, groupMode: 'ScaleMode' } };
  const queryState: Record<string, { projections: Json[] }> = {};
  for (const f of v.fields)
    (queryState[f.role] ??= { projections: [] }).projections.push({
      field: expressionOf(f, pbirRef),
      queryRef: queryRefOf(f),
      nativeQueryRef: f.measure ?? f.level ?? f.column,
      ...(f.kind === 'hierarchy_level' && { active: true }),
    });
  const objects = titleObjects(v.title);
  return {
    ...base,
    visual: {
      visualType: v.visualType,
      ...(v.fields.length > 0 && { query: { queryState } }),
      ...(objects && { visualContainerObjects: objects }),
      drillFilterOtherVisuals: true,
    },
  };
}

function pbirPage(page: TruthPage): Json {
  return {
    $schema: `${SCHEMAS}/page/2.0.0/schema.json`,
    name: page.name,
    displayName: page.displayName,
    displayOption: 'FitToPage',
    height: page.height,
    width: page.width,
    ...(page.hidden && { visibility: 'HiddenInViewMode' }),
    ...(page.pageType && { type: page.pageType }),
  };
}

function pbirParts(truth: ReportDefinitionTruth): DefinitionPartBody[] {
  const parts = [
    part('definition/version.json', {
      $schema: `${SCHEMAS}/versionMetadata/1.0.0/schema.json`,
      version: '2.0.0',
    }),
    part('definition/report.json', {
      $schema: `${SCHEMAS}/report/3.0.0/schema.json`,
      themeCollection: { baseTheme: { name: 'CY24SU06' } },
    }),
    part('definition/pages/pages.json', {
      $schema: `${SCHEMAS}/pagesMetadata/1.0.0/schema.json`,
      pageOrder: truth.pages.map((p) => p.name),
      activePageName: truth.pages[0]?.name,
    }),
  ];
  for (const page of truth.pages) {
    parts.push(part(`definition/pages/${page.name}/page.json`, pbirPage(page)));
    for (const v of truth.visuals.filter((x) => x.pageName === page.name))
      parts.push(part(`definition/pages/${page.name}/visuals/${v.id}/visual.json`, pbirVisual(v)));
  }
  if (truth.reportMeasures.length > 0)
    parts.push(
      part('definition/reportExtensions.json', {
        $schema: `${SCHEMAS}/reportExtension/1.0.0/schema.json`,
        name: 'extension',
        entities: [...new Set(truth.reportMeasures.map((m) => m.table))].map((table) => ({
          name: table,
          measures: truth.reportMeasures
            .filter((m) => m.table === table)
            .map((m) => ({ name: m.name, dataType: m.dataType, expression: m.expression })),
        })),
      }),
    );
  return parts;
}

function pbirFile(truth: ReportDefinitionTruth, context: DefinitionContext): Json {
  const connection =
    `Data Source="powerbi://api.powerbi.com/v1.0/myorg/${context.workspaceName}";` +
    `initial catalog=${context.datasetName};integrated security=ClaimsToken;semanticmodelid=${truth.datasetId}`;
  return { version: '4.0', datasetReference: { byConnection: { connectionString: connection } } };
}

/** The parts getDefinition returns for this report, in its format. */
export function definitionParts(
  truth: ReportDefinitionTruth,
  context: DefinitionContext,
): DefinitionPartBody[] {
  const content = truth.format === 'pbir' ? pbirParts(truth) : [part('report.json', legacyReport(truth))];
  return [
    part('definition.pbir', pbirFile(truth, context)),
    ...content,
    part('StaticResources/SharedResources/BaseThemes/CY24SU06.json', {
      name: 'CY24SU06',
      dataColors: ['#118DFF'],
    }),
    {
      path: 'StaticResources/RegisteredResources/logo.png',
      payload: Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64'),
      payloadType: 'InlineBase64',
    },
  ];
}
