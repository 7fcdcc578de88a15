import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from './cli.js';

export interface ProbedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the connector process, in MB (from process.resourceUsage at exit). */
  peakRssMb: number;
  wallMs: number;
}

/**
 * Runs the BUILT connector as a subprocess with a preload module that records its peak RSS when it
 * exits (also on process.exit), plus any extra preload a test supplies (e.g. to inject a fault into
 * the process itself). The temporary folder is removed afterwards.
 */
export async function runProbed(
  args: string[],
  options: {
    files?: Record<string, string>;
    preload?: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
  } = {},
): Promise<ProbedRun & { paths: Record<string, string> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'source-powerbi-test-'));
  try {
    const paths: Record<string, string> = {};
    for (const [name, content] of Object.entries(options.files ?? {})) {
      paths[name] = path.join(dir, name);
      await writeFile(paths[name], content);
    }
    const rssFile = path.join(dir, 'peak-rss');
    const probe = path.join(dir, 'probe.mjs');
    await writeFile(
      probe,
      `import { writeFileSync } from 'node:fs';\n` +
        `process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n` +
        (options.preload ?? ''),
    );
    const resolved = args.map((arg) => (arg.startsWith('@') ? paths[arg.slice(1)]! : arg));
    const started = Date.now();
    const result = await runCli(resolved, {
      nodeArgs: ['--import', probe],
      ...(options.env && { env: options.env }),
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    const wallMs = Date.now() - started;
    const rssKb = Number(await readFile(rssFile, 'utf8').catch(() => 'NaN'));
    return { ...result, peakRssMb: rssKb / 1024, wallMs, paths };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** stdout's JSON lines, parsed. */
export function messagesOf(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
