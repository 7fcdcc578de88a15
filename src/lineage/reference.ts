/** Builds an upstream reference from a fully navigated source. */
import { namingOf, qualifiedNameOf, type Level } from './qualified-name.js';
import type { LineageDiagnostic, UpstreamKind, UpstreamReference } from './types.js';

export interface ReferenceParts {
  platform: string;
  kind: UpstreamKind;
  server: string | null;
  parts: Partial<Record<Level, string>>;
  via: string;
  nativeQuery?: boolean;
  /** Parts that exist but whose value is unknown: the reference is partial when it lacks one. */
  unknown?: readonly (Level | 'server')[];
}

/** The levels of the platform's names that are unknown and not filled. */
function missingParts(input: ReferenceParts): (Level | 'server')[] {
  const unknown = input.unknown ?? [];
  const levels = namingOf(input.platform).levels.filter(
    (level) => unknown.includes(level) && (input.parts[level] === undefined || input.parts[level] === ''),
  );
  const serverMissing = unknown.includes('server') && (input.server === null || input.server === '');
  return serverMissing ? ['server', ...levels] : levels;
}

export function referenceOf(input: ReferenceParts): UpstreamReference | undefined {
  const table = input.parts.table;
  if (table === undefined || table === '') return undefined;
  const reference: UpstreamReference = {
    platform: input.platform,
    server: input.server,
    database: input.parts.database ?? null,
    schema: input.parts.schema ?? null,
    table,
    qualifiedName: qualifiedNameOf(input.platform, input.parts),
    kind: input.kind,
    via: input.via,
  };
  if (input.nativeQuery === true) reference.nativeQuery = true;
  if (missingParts(input).length > 0) reference.partial = true;
  return reference;
}

export function partialNameDiagnostic(
  reference: UpstreamReference,
  unknown: readonly (Level | 'server')[],
): LineageDiagnostic {
  const levels = namingOf(reference.platform).levels.filter(
    (level) => unknown.includes(level) && (reference[level as 'database' | 'schema'] ?? null) === null,
  );
  const missing = unknown.includes('server') && reference.server === null ? ['server', ...levels] : levels;
  return {
    kind: 'partial_name',
    functionName: reference.via,
    message: `The ${missing.join(' and ')} of "${reference.qualifiedName}" (${reference.platform}) comes from a value unknown before refresh (e.g. a parameter without a value); the reference names only what is known and is flagged partial.`,
  };
}

/** What makes two references the same upstream: platform, kind, qualified name and server. */
export function referenceKey(reference: UpstreamReference): string {
  return [
    reference.platform,
    reference.kind,
    reference.qualifiedName,
    (reference.server ?? '').toLowerCase(),
  ].join('\u0000');
}
