import { RE2JS } from 're2js';
import { configError } from '../errors.js';

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
