import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, spec.json and schemas/: two levels above this file in src/ and dist/. */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
