/**
 * M standard-library namespaces that transform values already in hand (no data access). Calls into
 * them pass the lineage of their arguments through; any other unknown function is reported as unsupported.
 * https://learn.microsoft.com/powerquery-m/power-query-m-function-reference
 */
const PURE_NAMESPACES = new Set([
  'Table',
  'List',
  'Record',
  'Text',
  'Number',
  'Date',
  'DateTime',
  'DateTimeZone',
  'Duration',
  'Time',
  'Value',
  'Splitter',
  'Combiner',
  'Comparer',
  'Replacer',
  'Logical',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'Double',
  'Decimal',
  'Single',
  'Currency',
  'Percentage',
  'Byte',
  'Binary',
  'Character',
  'Function',
  'Type',
  'Lines',
  'Uri',
  'Json',
  'Xml',
  'Csv',
  'Excel',
  'Parquet',
  'Pdf',
  'Cube',
  'Diagnostics',
  'Error',
  'Occurrence',
  'Order',
  'JoinKind',
  'JoinAlgorithm',
  'JoinSide',
  'MissingField',
  'QuoteStyle',
  'ExtraValues',
  'RoundingMode',
  'Precision',
  'Culture',
  'BinaryEncoding',
  'Compression',
  'Day',
  'GroupKind',
  'RelativePosition',
  'TextEncoding',
  'TraceLevel',
  'BinaryOccurrence',
  'ByteOrder',
  'LimitClauseKind',
  'Guid',
  'Variable',
  'Action',
  'Expression',
  'SqlExpression',
  'RowExpression',
  'ItemExpression',
  'Embedded',
  'Any',
  'None',
  'Null',
  'DirectQueryCapabilities',
  'Geography',
  'Geometry',
  'Html',
]);

/** Names that look namespaced but read data or run code the walker cannot see. */
const NOT_PURE = new Set([
  'Expression.Evaluate',
  'Value.Expression',
  'Web.Page',
  'Web.BrowserContents',
  'Value.Lineage',
]);

/** Bare-name intrinsics: `#table(...)`, `#date(...)`, ... */
function isIntrinsic(name: string): boolean {
  return name.startsWith('#');
}

export function isPureLibraryFunction(name: string): boolean {
  if (isIntrinsic(name)) return true;
  if (NOT_PURE.has(name)) return false;
  const dot = name.indexOf('.');
  return dot > 0 && PURE_NAMESPACES.has(name.slice(0, dot));
}

/** Dotted or `#`-prefixed names refer to library functions even when no handler knows them. */
export function isLibraryName(name: string): boolean {
  return isIntrinsic(name) || /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/.test(name);
}
