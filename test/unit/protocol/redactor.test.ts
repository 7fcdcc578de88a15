import { Redactor } from '../../../src/protocol/redactor.js';
import { createTlsMaterial } from '../../../simulator/tls.js';

function redactorWith(...secrets: string[]): Redactor {
  const redactor = new Redactor();
  for (const secret of secrets) redactor.register(secret);
  return redactor;
}

/** A secret of `size` characters that no ordinary text contains by chance. */
function bigSecret(size: number, seed = 'k'): string {
  let text = '';
  for (let i = 0; text.length < size; i += 1) text += `${seed}${i.toString(36)}#`;
  return text.slice(0, size);
}

describe('Redactor', () => {
  test.each([
    ['64 KB', 64 * 1024],
    ['10 MB', 10 * 1024 * 1024],
  ])('masks a %s secret, raw and JSON-escaped, and never throws', (_label, size) => {
    const secret = `${bigSecret(size)}"\\end`;
    const redactor = redactorWith(secret);
    const text = `before ${secret} middle ${JSON.stringify(secret)} after`;
    const redacted = redactor.redact(text);
    expect(redacted).toBe('before ********** middle "**********" after');
  });

  test('many large secrets at once still redact (one big RegExp of them threw and printed them)', () => {
    const secrets = Array.from({ length: 40 }, (_, i) => bigSecret(64 * 1024, `s${i}-`));
    const redactor = redactorWith(...secrets);
    const redacted = redactor.redact(secrets.join(' | '));
    expect(redacted).toBe(Array.from({ length: 40 }, () => '**********').join(' | '));
  });

  test('a 1-character secret is masked only as a whole word, never inside ordinary words', () => {
    const redactor = redactorWith('x');
    expect(redactor.redact('proxy x (x) max')).toBe('proxy ********** (**********) max');
  });

  test('secrets shorter than 8 characters mask whole words only; longer ones mask anywhere', () => {
    const redactor = redactorWith('abc123', 'LongSecret99');
    expect(redactor.redact('xabc123y abc123 zzLongSecret99zz')).toBe('xabc123y ********** zz**********zz');
  });

  test('a text without secrets is returned as it is', () => {
    const redactor = redactorWith('s3cr3t-value-1');
    const text = 'nothing to see here';
    expect(redactor.redact(text)).toBe(text);
    expect(new Redactor().redact(text)).toBe(text);
  });

  test('every line of a PEM key or certificate chain is masked alone, and its body joined', () => {
    const tls = createTlsMaterial();
    const chain = `${tls.cert}${tls.ca}`.repeat(8);
    expect(chain.length).toBeGreaterThan(16_000);
    const redactor = redactorWith(tls.key, chain);
    const keyLines = tls.key.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
    const certLines = tls.cert.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));
    const body = tls.cert
      .split('\n')
      .filter((line) => line && !line.startsWith('-----'))
      .join('');
    const text = [
      `one line: ${keyLines[1]!}`,
      `another: ${certLines[2]!}`,
      `x5c: ${body}`,
      `escaped: ${JSON.stringify(tls.key)}`,
    ].join('\n');
    const redacted = redactor.redact(text);
    for (const line of [...keyLines, ...certLines]) expect(redacted).not.toContain(line);
    expect(redacted).not.toContain(body);
    expect(redacted).toContain('one line: **********');
  });

  test('the longer of two overlapping secrets is masked whole', () => {
    const redactor = redactorWith('token-abcdef', 'token-abcdef-and-more');
    expect(redactor.redact('[token-abcdef-and-more]')).toBe('[**********]');
  });
});
