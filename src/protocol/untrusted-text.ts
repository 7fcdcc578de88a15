/**
 * Text that came from outside (a server's error message, a workspace or stream name, a catalog
 * entry) is made safe before it reaches a terminal or a protocol message: control characters are
 * shown as escapes (ANSI/OSC sequences could rewrite the user's screen or window title) and the
 * text is cut to a sane length. Callers redact secrets FIRST: cutting a secret in half would leave
 * a prefix the redactor no longer recognises.
 */

/** C0 controls but tab and newline, DEL, C1 controls, and Unicode's bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Escapes control characters; `singleLine` escapes newlines and tabs too (status lines, names). */
export function escapeControlCharacters(text: string, singleLine = false): string {
  return text.replace(singleLine ? UNSAFE_OR_NEWLINE : UNSAFE, escapeChar);
}

/** Cuts text to at most `max` characters, saying how much was left out. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const omitted = text.length - max;
  return `${text.slice(0, max)}… [${omitted} more characters]`;
}

/** Both, in the safe order for text that is already redacted. */
export function sanitize(text: string, max: number, singleLine = false): string {
  // Cut first so a 20 MB text costs only `max` characters of escaping; then escape what remains.
  return escapeControlCharacters(truncate(text, max), singleLine);
}
