import { MIN_SECRET_LENGTH, type SecretRegistry } from '../secrets.js';

const MASK = '**********';

/** PEM lines carry 64 characters; shorter tails ("AB==") or headers are not worth masking alone. */
const MIN_LINE_LENGTH = 16;

const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * Remembers every secret registered during a run and masks them in any text.
 *
 * Plain substring matching, one indexOf pass per registered form: it cannot throw, and its cost does
 * not grow with a secret's size (a 10 MB secret is skipped at once by any shorter text). One big
 * RegExp of all secrets was both: it threw "Invalid regular expression" for large secrets, and the
 * error printed the pattern, that is, every secret.
 *
 * Each secret is registered in several forms: as given, trimmed, JSON-escaped (the writer redacts
 * serialized messages), and for multi-line secrets (PEM certificates and keys) each long line and
 * the base64 body joined without line breaks, since a library may print any of those alone.
 * A form shorter than MIN_SECRET_LENGTH (a token a server chose to make tiny) is masked only where
 * it stands as a whole word, so "x" never turns "proxy" into "pro**********y".
 */
export class Redactor implements SecretRegistry {
  private readonly forms = new Set<string>();
  private longestFirst: string[] | undefined;
  private probes: Buffer[] | undefined;

  register(secret: string | undefined | null): void {
    if (typeof secret !== 'string' || secret.length === 0) return;
    for (const form of formsOf(secret)) {
      if (form.length > 0 && !this.forms.has(form)) {
        this.forms.add(form);
        this.longestFirst = undefined;
        this.probes = undefined;
      }
    }
  }

  redact(text: string): string {
    if (this.forms.size === 0 || text.length === 0) return text;
    this.longestFirst ??= [...this.forms].sort((a, b) => b.length - a.length);
    let result = text;
    for (const form of this.longestFirst) {
      if (form.length > result.length) continue;
      if (form.length >= MIN_SECRET_LENGTH) {
        if (result.includes(form)) result = result.split(form).join(MASK);
      } else {
        result = maskWholeWords(result, form);
      }
    }
    return result;
  }

  /**
   * The same for UTF-8 text (a chunk of output lines): returned as it is unless a secret may occur
   * in it, which a byte search for a few forms settles without decoding the chunk.
   */
  redactBytes(bytes: Buffer): Buffer {
    if (this.forms.size === 0 || bytes.length === 0) return bytes;
    this.probes ??= probesOf([...this.forms]);
    for (const probe of this.probes) {
      if (bytes.indexOf(probe) !== -1) return Buffer.from(this.redact(bytes.toString('utf8')), 'utf8');
    }
    return bytes;
  }
}

/**
 * What to search a chunk's bytes for: every form that contains no other form (any form that occurs
 * contains one of those), as UTF-8. A form without an exact UTF-8 encoding (a lone surrogate) gives
 * an empty probe, which every chunk contains: the slow, exact path then always runs.
 */
function probesOf(forms: string[]): Buffer[] {
  const minimal = forms.filter((form) => !forms.some((other) => other !== form && form.includes(other)));
  return minimal.map((form) => {
    const bytes = Buffer.from(form, 'utf8');
    return bytes.toString('utf8') === form ? bytes : Buffer.alloc(0);
  });
}

function formsOf(secret: string): string[] {
  const whole = [secret, secret.trim()];
  const lines = secret.includes('\n') ? multiLineForms(secret) : [];
  return [...whole, ...lines].flatMap((form) => [form, jsonEscaped(form)]);
}

function multiLineForms(secret: string): string[] {
  const lines = secret
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !line.startsWith('-----'));
  const bodies = lines.filter((line) => /^[A-Za-z0-9+/=]+$/.test(line));
  return [
    ...lines.filter((line) => line.length >= MIN_LINE_LENGTH),
    ...(bodies.length > 1 ? [bodies.join('')] : []),
  ];
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

function maskWholeWords(text: string, form: string): string {
  let result = '';
  let from = 0;
  for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + form.length)) {
    const before = at > 0 ? text[at - 1]! : '';
    const after = text[at + form.length] ?? '';
    if (WORD_CHAR.test(before) || WORD_CHAR.test(after)) continue;
    result += text.slice(from, at) + MASK;
    from = at + form.length;
  }
  return from === 0 ? text : result + text.slice(from);
}
