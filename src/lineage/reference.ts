/** Builds an upstream reference from a fully navigated source. */
import { qualifiedNameOf, type Level } from './qualified-name.js';
import type { UpstreamKind, UpstreamReference } from './types.js';

export interface ReferenceParts {
  platform: string;
  kind: UpstreamKind;
  server: string | null;
  parts: Partial<Record<Level, string>>;
  via: string;
  nativeQuery?: boolean;
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
  return reference;
}
