import { Writable } from 'node:stream';
import { stderrWriters } from '../../../src/commands/run.js';
import { Redactor } from '../../../src/protocol/redactor.js';
import { escapeControlCharacters, sanitize, truncate } from '../../../src/protocol/untrusted-text.js';

const ESC = '\u001b';

class Collect extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

describe('untrusted text', () => {
  test('ANSI CSI and OSC sequences, C1 controls and bidi overrides are shown as escapes', () => {
    const hostile = `${ESC}]0;pwned\u0007${ESC}[2J\u009b31m\u202egnp.exe\r`;
    const safe = escapeControlCharacters(hostile);
    expect(safe).toBe('\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202egnp.exe\\u000d');
    // eslint-disable-next-line no-control-regex
    expect(safe).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  test('tabs and newlines stay in multi-line text and are escaped in single-line text', () => {
    expect(escapeControlCharacters('a\tb\nc')).toBe('a\tb\nc');
    expect(escapeControlCharacters('a\tb\nc', true)).toBe('a\\u0009b\\u000ac');
  });

  test('long text is cut and says how much was left out', () => {
    expect(truncate('abcdef', 10)).toBe('abcdef');
    expect(truncate('x'.repeat(25), 10)).toBe(`${'x'.repeat(10)}… [15 more characters]`);
    expect(sanitize(`${ESC}`.repeat(20_000_000), 5)).toBe(
      `${'\\u001b'.repeat(5)}… [19999995 more characters]`,
    );
  });

  test('stderr lines are redacted before they are cut, so a cut never exposes part of a secret', () => {
    const secret = 'S3CRET-'.repeat(1000);
    const redactor = new Redactor();
    redactor.register(secret);
    const stderr = new Collect();
    const { progress, liveStatus } = stderrWriters(
      { stdin: process.stdin, stdout: new Collect(), stderr, stderrIsTty: true },
      redactor,
    );
    progress(`${'p'.repeat(1990)}${secret}${ESC}[31m tail`);
    liveStatus(`workspace ${ESC}]0;title\u0007 ${secret}\nnext`);
    expect(stderr.text).not.toContain('S3CRET-');
    expect(stderr.text.split('\n')[0]!.length).toBeLessThan(2_100);
    // Our own status-line prefix is the only escape sequence written raw.
    expect(stderr.text.split(ESC).length - 1).toBe(1);
    expect(stderr.text).toContain('\r\u001b[2Kworkspace \\u001b]0;title\\u0007 **********\\u000anext');
  });
});
