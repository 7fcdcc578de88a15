import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startSimulator, type SimulatorOptions } from './index.js';

/**
 * npm run simulator -- --port 0 --seed 42 --workspaces 200 [--scan-ms N] [--latency-ms N] [--faults SPEC]
 *   [--info-file F] [--config-file F]
 * Its own first stdout line: one JSON object with url, config, caCertificate and the test credentials
 * (under `npm run`, npm's banner comes first: use --info-file, or `npm run --silent`).
 * --info-file writes that object to F, --config-file only its connector config; each file appears
 * whole (written aside, then renamed), so a script may wait for it. Runs until SIGTERM/SIGINT.
 */
function numberOption(
  values: Record<string, string | boolean | undefined>,
  name: string,
): number | undefined {
  const raw = values[name];
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got "${raw}"`);
  return n;
}

/** Writes JSON so that a reader never sees a half-written file. */
async function writeJsonWhole(file: string, value: unknown): Promise<void> {
  const aside = `${file}.${process.pid}.tmp`;
  await writeFile(aside, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(aside, file);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      workspaces: { type: 'string' },
      'scan-ms': { type: 'string' },
      'latency-ms': { type: 'string' },
      'token-lifetime': { type: 'string' },
      faults: { type: 'string' },
      'start-time': { type: 'string' },
      'info-file': { type: 'string' },
      'config-file': { type: 'string' },
    },
    strict: true,
  });
  const options: SimulatorOptions = {
    port: numberOption(values, 'port'),
    seed: numberOption(values, 'seed'),
    workspaces: numberOption(values, 'workspaces'),
    scanDurationMs: numberOption(values, 'scan-ms'),
    latencyMs: numberOption(values, 'latency-ms'),
    tokenLifetimeSeconds: numberOption(values, 'token-lifetime'),
    faults: values.faults,
    startTime: values['start-time'],
  };
  const sim = await startSimulator(options);
  const info = {
    url: sim.url,
    config: sim.config,
    caCertificate: sim.caCertificate,
    tenantId: sim.credentials.tenantId,
    workspaces: sim.tenant.size,
    configs: {
      service_principal_certificate: sim.configFor('service_principal_certificate'),
      oauth2_refresh_token: sim.configFor('oauth2_refresh_token'),
      not_allowed_secret: sim.configFor('not_allowed_secret'),
    },
  };
  if (values['info-file'] !== undefined) await writeJsonWhole(values['info-file'], info);
  if (values['config-file'] !== undefined) await writeJsonWhole(values['config-file'], sim.config);
  // A reader that stops reading (`| head -1`) must not take the simulator down with EPIPE.
  process.stdout.on('error', () => undefined);
  process.stdout.write(`${JSON.stringify(info)}\n`);
  process.stderr.write(`simulator listening on ${sim.url} (${sim.tenant.size} workspaces)\n`);
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`simulator: ${(error as Error).message}\n`);
  process.exit(2);
});
