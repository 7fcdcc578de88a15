import { parseArgs } from 'node:util';
import { startSimulator, type SimulatorOptions } from './index.js';

/**
 * npm run simulator -- --port 0 --seed 42 --workspaces 200 [--scan-ms N] [--latency-ms N] [--faults SPEC]
 * First stdout line: one JSON object with url, config, caCertificate and the test credentials.
 * Runs until SIGTERM/SIGINT.
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
  process.stdout.write(
    `${JSON.stringify({
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
    })}\n`,
  );
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
