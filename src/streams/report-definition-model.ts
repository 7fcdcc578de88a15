/**
 * A report definition as the report streams see it, whichever format it came in (PBIR-Legacy
 * report.json or the PBIR folder): pages, visuals, the fields each visual shows, and the measures
 * the report defines itself. Parsed by report-definition-parser.ts.
 */

/** Column: a column as is; aggregation: a column summarized (Sum, Count…); hierarchy_level: a level of a hierarchy. */
export type FieldKind = 'column' | 'measure' | 'aggregation' | 'hierarchy_level';

export interface VisualField {
  /** The visual's bucket (projection role), e.g. Category, Y, Values, Rows; null when in no bucket. */
  role: string | null;
  kind: FieldKind;
  /** The model table (query entity). */
  table: string | null;
  /** The column shown, summarized or under the hierarchy level, when known. */
  column: string | null;
  measure: string | null;
  /** Sum, Avg, Count, Min, Max, CountNonNull, Median, StandardDeviation, Variance. */
  aggregation: string | null;
  hierarchy: string | null;
  level: string | null;
  /** The name the visual refers to the field by (e.g. "Sum(Sales.Amount)"). */
  queryRef: string | null;
  /** A measure the report itself defines (report-level measure), not the dataset. */
  reportMeasure: boolean;
}

export interface ParsedVisual {
  /** Unique within its page. */
  id: string;
  pageName: string;
  visualType: string | null;
  title: string | null;
  hidden: boolean;
  /** A group container holds other visuals and shows no data itself. */
  isGroup: boolean;
  parentGroup: string | null;
  x: number | null;
  y: number | null;
  width: number | null;
  height: number | null;
  fields: VisualField[];
}

export interface ParsedPage {
  name: string;
  displayName: string | null;
  order: number | null;
  hidden: boolean;
  /** Drillthrough or Tooltip; null for an ordinary page. */
  pageType: string | null;
  width: number | null;
  height: number | null;
}

export interface ReportMeasure {
  table: string;
  name: string;
  expression: string | null;
  dataType: string | null;
}

export type DefinitionFormat = 'pbir-legacy' | 'pbir';

export interface ParsedDefinition {
  format: DefinitionFormat;
  /** The semantic model definition.pbir connects to, when its connection names one. */
  datasetId: string | null;
  pages: ParsedPage[];
  visuals: ParsedVisual[];
  reportMeasures: ReportMeasure[];
  /** Parts or visuals that could not be read (bad JSON, too deep): they are left out, named here. */
  problems: string[];
}
