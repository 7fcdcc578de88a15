import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';

export interface ConnectorSpecification {
  connectionSpecification: Record<string, unknown>;
  [key: string]: unknown;
}

let cached: ConnectorSpecification | undefined;

/** spec.json at the package root is the single source of the config's shape. */
export function loadSpec(): ConnectorSpecification {
  cached ??= JSON.parse(readFileSync(path.join(packageRoot, 'spec.json'), 'utf8')) as ConnectorSpecification;
  return cached;
}
