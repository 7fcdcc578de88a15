import type { SecretRegistry } from '../secrets.js';

const MASK = '**********';
/** Values this short would mask ordinary words; real secrets and tokens are far longer. */
const MIN_SECRET_LENGTH = 6;

/**
 * Remembers every secret registered during a run and masks them in any text. Also masks each
 * secret's JSON-escaped form, since the writer redacts serialized messages.
 */
export class Redactor implements SecretRegistry {
  private readonly secrets = new Set<string>();
  private pattern: RegExp | undefined;

  register(secret: string | undefined | null): void {
    if (typeof secret !== 'string') return;
    const forms = [secret, secret.trim(), JSON.stringify(secret).slice(1, -1)];
    for (const form of forms) {
      if (form.length >= MIN_SECRET_LENGTH && !this.secrets.has(form)) {
        this.secrets.add(form);
        this.pattern = undefined;
      }
    }
  }

  redact(text: string): string {
    if (this.secrets.size === 0) return text;
    this.pattern ??= this.buildPattern();
    return text.replace(this.pattern, MASK);
  }

  private buildPattern(): RegExp {
    const longestFirst = [...this.secrets].sort((a, b) => b.length - a.length);
    return new RegExp(longestFirst.map(escapeRegExp).join('|'), 'g');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
