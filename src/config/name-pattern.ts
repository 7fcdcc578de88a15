import { createRequire } from 'node:module';
import type { RE2JS as Re2 } from 're2js';
import { configError } from '../errors.js';

const require = createRequire(import.meta.url);
let re2: typeof Re2 | undefined;

/** re2js costs ~15 ms of CPU to load: only a config with name patterns loads it. */
function re2js(): typeof Re2 {
  re2 ??= (require('re2js') as typeof import('re2js')).RE2JS;
  return re2;
}

/** Longer patterns are not workspace-name filters but a pasted document; refused at config time. */
const MAX_PATTERN_LENGTH = 1_000;

/** A compiled workspace name pattern: matches anywhere in the name, case-insensitively. */
export interface NamePattern {
  test(name: string): boolean;
}

/**
 * Compiles a workspace name pattern with RE2 (re2js), whose matching time is linear in the name's
 * length whatever the pattern: a backtracking pattern such as `^(\w+\s?)*$` cannot stall a read.
 * RE2 has no lookaround and no backreferences; such patterns are refused with a config_error
 * naming the field.
 */
export function compileNamePattern(pattern: string, field: string): NamePattern {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw configError(
      `${field} is ${pattern.length} characters long; keep patterns under ${MAX_PATTERN_LENGTH}.`,
    );
  }
  const RE2JS = re2js();
  try {
    return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    // re2js quotes the pattern with the case-insensitive flag it was given prepended as (?i).
    const detail =
      error instanceof Error
        ? error.message.replace(/^error parsing regexp:\s*/, '').replace('`(?i)', '`')
        : '';
    throw configError(
      `${field} is not a valid RE2 regular expression (${detail.slice(0, 120)}). ` +
        'Name patterns use RE2 syntax: no lookahead/lookbehind and no backreferences. Fix or remove it.',
    );
  }
}
