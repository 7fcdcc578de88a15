/**
 * Runs the BUILT connector's `read` as a subprocess and measures it: wall time and peak resident
 * memory. The peak comes from the child itself: node is started with `--require` of a tiny preload
 * that, on exit, writes `process.resourceUsage().maxRSS` (the kernel's ru_maxrss: the high-water
 * mark of the whole process, worker threads included, in KiB) to a file. That works wherever node
 * runs (no /usr/bin/time, no /proc polling that could miss a short peak), and it does not touch
 * stdout, which must stay pure Airbyte protocol. Its temporary folder is removed afterwards.
 */
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expectProtocolLines } from './airbyte-protocol.js';
import { writeInputs } from './cli.js';
import { cliPath } from './paths.js';

export interface MeasuredRun {
  code: number | null;
  stdout: string;
  stderr: string;
  messages: Record<string, unknown>[];
  durationMs: number;
  /** Peak RSS of the connector process in MiB; undefined when it did not exit normally (killed). */
  peakRssMiB: number | undefined;
}

const PRELOAD = `'use strict';
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  try { writeFileSync(process.env.HOSTILE_RSS_FILE, String(process.resourceUsage().maxRSS)); } catch {}
});
`;

export async function measuredRead(
  config: unknown,
  catalog: unknown,
  state?: unknown,
  killAfterMs = 120_000,
): Promise<MeasuredRun> {
  const inputs = await writeInputs({ config, catalog, ...(state !== undefined && { state }) });
  const dir = path.dirname(inputs.config!);
  try {
    return await measuredIn(dir, inputs, killAfterMs);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measuredIn(
  dir: string,
  inputs: Record<string, string>,
  killAfterMs: number,
): Promise<MeasuredRun> {
  const preload = path.join(dir, 'rss-preload.cjs');
  const rssFile = path.join(dir, 'max-rss-kib.txt');
  await writeFile(preload, PRELOAD);
  const args = [
    '--require',
    preload,
    cliPath,
    'read',
    '--config',
    inputs.config!,
    '--catalog',
    inputs.catalog!,
  ];
  if (inputs.state) args.push('--state', inputs.state);
  const started = Date.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, args, {
        env: { ...process.env, HOSTILE_RSS_FILE: rssFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      child.on('error', reject);
      child.on('close', (exitCode) => {
        clearTimeout(timer);
        resolve({ code: exitCode, stdout: out, stderr: err });
      });
    },
  );
  const durationMs = Date.now() - started;
  const kib = Number(await readFile(rssFile, 'utf8').catch(() => ''));
  return {
    code,
    stdout,
    stderr,
    messages: expectProtocolLines(stdout),
    durationMs,
    peakRssMiB: Number.isFinite(kib) && kib > 0 ? Math.round(kib / 1024) : undefined,
  };
}
