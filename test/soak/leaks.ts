/** Secret hygiene: search a run's output for configured secrets and anything token-shaped. */

/** Tokens look alike whatever issued them: JWT access tokens, the simulator's `1.A…` refresh tokens. */
const TOKEN_PATTERNS = [
  /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
  /\b1\.A[A-Za-z0-9_-]{40,}/,
];

/**
 * Where any secret appears in a run's output: the given values raw and URL-encoded, and anything
 * shaped like an access or refresh token. CONTROL messages are left out: they carry the updated
 * config (with the rotated refresh token) to the platform on purpose.
 */
export function findLeaks(output: { stdout: string; stderr: string }, secrets: string[]): string[] {
  const stdout = output.stdout
    .split('\n')
    .filter((line) => !line.startsWith('{"type":"CONTROL"'))
    .join('\n');
  const leaks: string[] = [];
  for (const [name, text] of [
    ['stdout', stdout],
    ['stderr', output.stderr],
  ] as const) {
    for (const secret of secrets.filter((s) => s.length >= 8)) {
      const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
      for (const form of forms) if (text.includes(form)) leaks.push(`${name}: a configured secret`);
      // A PEM key leaks even when only its body lines appear.
      for (const line of secret.split('\n').filter((l) => l.length >= 40 && !l.startsWith('-----')))
        if (text.includes(line)) leaks.push(`${name}: a line of a configured key`);
    }
    for (const pattern of TOKEN_PATTERNS) {
      const match = pattern.exec(text);
      if (match) leaks.push(`${name}: token-shaped text ${match[0].slice(0, 12)}…`);
    }
  }
  return [...new Set(leaks)];
}

/** Every secret-flagged value of a simulator connector config. */
export function configSecrets(config: { credentials: Record<string, string> }): string[] {
  const { client_secret, refresh_token, private_key } = config.credentials;
  return [client_secret, refresh_token, private_key].filter((s): s is string => typeof s === 'string');
}
