/**
 * PBIR-Legacy: one report.json whose `sections` are the pages; each section's visualContainers
 * carry a `config` JSON string with the visual (`singleVisual`: visualType, projections per bucket,
 * prototypeQuery with From aliases and Select items) or a group (`singleVisualGroup`). The report's
 * own `config` string lists report-level measures under modelExtensions.
 * https://learn.microsoft.com/power-bi/developer/projects/projects-report#reportjson
 */
import { arrayField, field, isObject, stringField, type JsonObject } from '../powerbi/json-shapes.js';
import type { ParsedPage, ParsedVisual, ReportMeasure, VisualField } from './report-definition-model.js';
import { embeddedObject, literalText, numberOr } from './report-json.js';
import { aliasesOf, fieldOf } from './report-query-fields.js';

export interface LegacyContent {
  pages: ParsedPage[];
  visuals: ParsedVisual[];
  reportMeasures: ReportMeasure[];
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function child(value: JsonObject | undefined, key: string): JsonObject | undefined {
  const found = value ? field(value, key) : undefined;
  return isObject(found) ? found : undefined;
}

export function reportMeasuresOf(config: JsonObject | undefined): ReportMeasure[] {
  const measures: ReportMeasure[] = [];
  for (const extension of objects(config && field(config, 'modelExtensions')))
    for (const entity of objects(field(extension, 'entities'))) {
      const table = stringField(entity, 'extends') ?? stringField(entity, 'name');
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

/** Fields in the visual's buckets first (in bucket order), then Select items no bucket uses. */
function fieldsOf(singleVisual: JsonObject): VisualField[] {
  const query = child(singleVisual, 'prototypeQuery');
  const aliases = aliasesOf(query && field(query, 'From'));
  const selects = objects(query && field(query, 'Select'));
  const byName = new Map(selects.map((s) => [stringField(s, 'Name') ?? '', s]));
  const used = new Set<string>();
  const fields: VisualField[] = [];
  const projections = child(singleVisual, 'projections') ?? {};
  for (const [role, entries] of Object.entries(projections))
    for (const entry of objects(entries)) {
      const queryRef = stringField(entry, 'queryRef');
      const select = queryRef !== undefined ? byName.get(queryRef) : undefined;
      if (!select || !queryRef) continue;
      used.add(queryRef);
      const found = fieldOf(select, role, queryRef, aliases);
      if (found) fields.push(found);
    }
  for (const [name, select] of byName) {
    if (used.has(name)) continue;
    const found = fieldOf(select, null, name || null, aliases);
    if (found) fields.push(found);
  }
  return fields;
}

function titleOf(singleVisual: JsonObject | undefined): string | null {
  const title = arrayField(child(singleVisual, 'vcObjects') ?? {}, 'title')?.[0];
  const text = child(child(isObject(title) ? title : undefined, 'properties'), 'text');
  return literalText(child(child(text, 'expr'), 'Literal')?.Value);
}

function isHidden(config: JsonObject, singleVisual: JsonObject | undefined): boolean {
  const layouts = objects(field(config, 'layouts'));
  const modes = [child(singleVisual, 'display'), ...layouts.map((l) => child(l, 'display'))];
  return modes.some((d) => d !== undefined && stringField(d, 'mode')?.toLowerCase() === 'hidden');
}

function visualOf(
  container: JsonObject,
  pageName: string,
  index: number,
  problems: string[],
): ParsedVisual | undefined {
  const where = `report.json page ${pageName} visual #${index}`;
  const config = embeddedObject(field(container, 'config'), `${where} config`, problems);
  if (!config) return undefined;
  const singleVisual = child(config, 'singleVisual');
  const group = child(config, 'singleVisualGroup');
  const id = stringField(config, 'name');
  if (!id) {
    problems.push(`${where}: no name`);
    return undefined;
  }
  return {
    id,
    pageName,
    visualType: singleVisual ? (stringField(singleVisual, 'visualType') ?? null) : null,
    title: titleOf(singleVisual) ?? (group ? (stringField(group, 'displayName') ?? null) : null),
    hidden: isHidden(config, singleVisual),
    isGroup: group !== undefined && singleVisual === undefined,
    parentGroup: stringField(config, 'parentGroupName') ?? null,
    x: numberOr(field(container, 'x')),
    y: numberOr(field(container, 'y')),
    width: numberOr(field(container, 'width')),
    height: numberOr(field(container, 'height')),
    fields: singleVisual ? fieldsOf(singleVisual) : [],
  };
}

function pageOf(section: JsonObject, index: number, problems: string[]): ParsedPage | undefined {
  const name = stringField(section, 'name');
  if (!name) {
    problems.push(`report.json section #${index}: no name`);
    return undefined;
  }
  const config = embeddedObject(field(section, 'config'), `report.json page ${name} config`, problems);
  return {
    name,
    displayName: stringField(section, 'displayName') ?? null,
    order: numberOr(field(section, 'ordinal'), index),
    // The legacy format marks a hidden page with visibility 1 in the section's config.
    hidden: config !== undefined && field(config, 'visibility') === 1,
    pageType: null,
    width: numberOr(field(section, 'width')),
    height: numberOr(field(section, 'height')),
  };
}

export function parseLegacyReport(report: JsonObject, problems: string[]): LegacyContent {
  const pages: ParsedPage[] = [];
  const visuals: ParsedVisual[] = [];
  objects(field(report, 'sections')).forEach((section, index) => {
    const page = pageOf(section, index, problems);
    if (!page) return;
    pages.push(page);
    objects(field(section, 'visualContainers')).forEach((container, n) => {
      const visual = visualOf(container, page.name, n, problems);
      if (visual) visuals.push(visual);
    });
  });
  const config = embeddedObject(field(report, 'config'), 'report.json config', problems);
  return { pages, visuals, reportMeasures: reportMeasuresOf(config) };
}
