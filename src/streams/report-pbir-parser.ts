/**
 * PBIR: a folder of small JSON files under definition/: pages/pages.json (pageOrder),
 * pages/{page}/page.json (name, displayName, visibility, type), pages/{page}/visuals/{visual}/visual.json
 * (visual.visualType, visual.query.queryState.{bucket}.projections[].field, or a visualGroup) and
 * reportExtensions.json (report-level measures).
 * https://learn.microsoft.com/power-bi/developer/projects/projects-report#pbir-format
 */
import { arrayField, field, isObject, stringField, type JsonObject } from '../powerbi/json-shapes.js';
import type { ParsedPage, ParsedVisual, ReportMeasure, VisualField } from './report-definition-model.js';
import { literalText, numberOr, parseJsonObject } from './report-json.js';
import { fieldOf } from './report-query-fields.js';

export interface PbirContent {
  pages: ParsedPage[];
  visuals: ParsedVisual[];
  reportMeasures: ReportMeasure[];
}

const PAGE_JSON = /^definition\/pages\/([^/]+)\/page\.json$/i;
const VISUAL_JSON = /^definition\/pages\/([^/]+)\/visuals\/([^/]+)\/visual\.json$/i;

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function child(value: unknown, key: string): JsonObject | undefined {
  const found = isObject(value) ? field(value, key) : undefined;
  return isObject(found) ? found : undefined;
}

function fieldsOf(visual: JsonObject | undefined): VisualField[] {
  const state = child(child(visual, 'query'), 'queryState') ?? {};
  const fields: VisualField[] = [];
  for (const [role, bucket] of Object.entries(state))
    for (const projection of objects(isObject(bucket) ? field(bucket, 'projections') : undefined)) {
      const found = fieldOf(field(projection, 'field'), role, stringField(projection, 'queryRef') ?? null);
      if (found) fields.push(found);
    }
  return fields;
}

function titleOf(visual: JsonObject | undefined): string | null {
  const title = arrayField(child(visual, 'visualContainerObjects') ?? {}, 'title')?.[0];
  const text = child(child(title, 'properties'), 'text');
  return literalText(child(child(text, 'expr'), 'Literal')?.Value);
}

function visualOf(container: JsonObject, pageName: string, folder: string): ParsedVisual {
  const visual = child(container, 'visual');
  const group = child(container, 'visualGroup');
  const position = child(container, 'position') ?? {};
  return {
    id: stringField(container, 'name') ?? folder,
    pageName,
    visualType: visual ? (stringField(visual, 'visualType') ?? null) : null,
    title: titleOf(visual) ?? (group ? (stringField(group, 'displayName') ?? null) : null),
    hidden: field(container, 'isHidden') === true,
    isGroup: group !== undefined && visual === undefined,
    parentGroup: stringField(container, 'parentGroupName') ?? null,
    x: numberOr(field(position, 'x')),
    y: numberOr(field(position, 'y')),
    width: numberOr(field(position, 'width')),
    height: numberOr(field(position, 'height')),
    fields: fieldsOf(visual),
  };
}

function pageOf(page: JsonObject, folder: string, order: readonly string[]): ParsedPage {
  const name = stringField(page, 'name') ?? folder;
  const at = order.indexOf(name);
  return {
    name,
    displayName: stringField(page, 'displayName') ?? null,
    order: at >= 0 ? at : null,
    hidden: stringField(page, 'visibility') === 'HiddenInViewMode',
    pageType: stringField(page, 'type') ?? null,
    width: numberOr(field(page, 'width')),
    height: numberOr(field(page, 'height')),
  };
}

function reportMeasuresOf(extensions: JsonObject | undefined): ReportMeasure[] {
  const measures: ReportMeasure[] = [];
  for (const entity of objects(extensions && field(extensions, 'entities'))) {
    const table = stringField(entity, 'name');
    if (!table) continue;
    for (const m of objects(field(entity, 'measures'))) {
      const name = stringField(m, 'name');
      if (name)
        measures.push({
          table,
          name,
          expression: stringField(m, 'expression') ?? null,
          dataType: stringField(m, 'dataType') ?? null,
        });
    }
  }
  return measures;
}

/** `files`: part path (forward slashes) → decoded text, for the definition/ parts only. */
export function parsePbirReport(files: ReadonlyMap<string, string>, problems: string[]): PbirContent {
  const read = (path: string) => {
    const text = files.get(path);
    return text === undefined ? undefined : parseJsonObject(text, path, problems);
  };
  const pagesMeta = read('definition/pages/pages.json');
  const order = (pagesMeta && arrayField(pagesMeta, 'pageOrder')) ?? [];
  const pageOrder = order.filter((n): n is string => typeof n === 'string');
  const pageNames = new Map<string, string>();
  const pages: ParsedPage[] = [];
  const visualFiles: [string, string, string][] = [];
  for (const path of [...files.keys()].sort()) {
    const pageMatch = PAGE_JSON.exec(path);
    if (pageMatch) {
      const page = read(path);
      if (!page) continue;
      const parsed = pageOf(page, pageMatch[1]!, pageOrder);
      pageNames.set(pageMatch[1]!, parsed.name);
      pages.push(parsed);
      continue;
    }
    const visualMatch = VISUAL_JSON.exec(path);
    if (visualMatch) visualFiles.push([path, visualMatch[1]!, visualMatch[2]!]);
  }
  const visuals: ParsedVisual[] = [];
  for (const [path, pageFolder, visualFolder] of visualFiles) {
    const container = read(path);
    if (container) visuals.push(visualOf(container, pageNames.get(pageFolder) ?? pageFolder, visualFolder));
  }
  pages.sort((a, b) => (a.order ?? Infinity) - (b.order ?? Infinity));
  // Visuals page by page, in page order (within a page PBIR keeps no order: folder names).
  const rank = new Map(pages.map((p, i) => [p.name, i]));
  visuals.sort((a, b) => (rank.get(a.pageName) ?? Infinity) - (rank.get(b.pageName) ?? Infinity));
  return { pages, visuals, reportMeasures: reportMeasuresOf(read('definition/reportExtensions.json')) };
}
