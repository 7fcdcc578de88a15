import { rngFrom, type Rng } from './random.js';
import { isPowerBiEndpoint, type EndpointName } from './powerbi/endpoints.js';

export const FAULT_KINDS = [
  '429',
  '429-no-retry-after',
  '500',
  '502',
  '503',
  'reset',
  'timeout',
  'slow',
  'malformed',
  'token-expiry',
  'scan-failed',
  'scan-stuck',
  'result-expired',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultScript {
  kind: FaultKind;
  /** Which endpoint's requests it hits; default: getInfo for scan-failed/scan-stuck, scanResult for result-expired, otherwise any Power BI endpoint. `token` targets the Entra token endpoint. */
  endpoint?: EndpointName | 'any';
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** Let this many matching requests through first (default 0). */
  skip?: number;
  /** For 429: the Retry-After header value (default 2). */
  retryAfterSeconds?: number;
  /** For slow: delay before the normal answer (default 2000). */
  delayMs?: number;
}

export interface FiredFault {
  kind: FaultKind;
  retryAfterSeconds: number;
  delayMs: number;
}

interface Pending extends Required<Omit<FaultScript, 'endpoint'>> {
  endpoint: EndpointName | 'any';
  fired: number;
}

function defaultEndpoint(kind: FaultKind): EndpointName | 'any' {
  if (kind === 'scan-failed' || kind === 'scan-stuck') return 'getInfo';
  if (kind === 'result-expired') return 'scanResult';
  return 'any';
}

/** Parses a CLI spec such as `429=0.05,503=0.02,reset=0.01`. */
export function parseFaultSpec(spec: string): Partial<Record<FaultKind, number>> {
  const result: Partial<Record<FaultKind, number>> = {};
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kind, value] = part.split('=');
    if (!(FAULT_KINDS as readonly string[]).includes(kind ?? ''))
      throw new Error(`unknown fault kind "${kind}" (known: ${FAULT_KINDS.join(', ')})`);
    const p = Number(value);
    if (!Number.isFinite(p) || p < 0 || p > 1)
      throw new Error(`fault probability for ${kind} must be in [0, 1], got "${value}"`);
    result[kind as FaultKind] = p;
  }
  return result;
}

/**
 * Scripted faults (a test declares them; assertAllConsumed() fails the test when one never fired)
 * and probabilistic faults for soak runs (Power BI endpoints only, never the token endpoint).
 */
export class Faults {
  private pending: Pending[] = [];
  private probabilities: Partial<Record<FaultKind, number>> = {};
  private rng: Rng;
  private readonly counts = new Map<FaultKind, number>();

  constructor(seed = 0) {
    this.rng = rngFrom('faults', seed);
  }

  script(fault: FaultScript): void {
    if (!(FAULT_KINDS as readonly string[]).includes(fault.kind))
      throw new Error(`unknown fault kind "${fault.kind}"`);
    this.pending.push({
      kind: fault.kind,
      endpoint: fault.endpoint ?? defaultEndpoint(fault.kind),
      times: fault.times ?? 1,
      skip: fault.skip ?? 0,
      retryAfterSeconds: fault.retryAfterSeconds ?? 2,
      delayMs: fault.delayMs ?? 2000,
      fired: 0,
    });
  }

  setProbabilities(probabilities: Partial<Record<FaultKind, number>>, seed = 0): void {
    this.probabilities = { ...probabilities };
    this.rng = rngFrom('faults', seed);
  }

  /** The fault for this request, if any; scripted faults first, in the order declared. */
  take(endpoint: EndpointName): FiredFault | undefined {
    for (const f of this.pending) {
      if (f.fired >= f.times) continue;
      const matches = f.endpoint === endpoint || (f.endpoint === 'any' && isPowerBiEndpoint(endpoint));
      if (!matches) continue;
      if (f.skip > 0) {
        f.skip--;
        continue;
      }
      f.fired++;
      return this.record({ kind: f.kind, retryAfterSeconds: f.retryAfterSeconds, delayMs: f.delayMs });
    }
    if (!isPowerBiEndpoint(endpoint)) return undefined;
    for (const [kind, p] of Object.entries(this.probabilities) as [FaultKind, number][]) {
      const fits = defaultEndpoint(kind) === 'any' || defaultEndpoint(kind) === endpoint;
      if (fits && this.rng.chance(p))
        return this.record({ kind, retryAfterSeconds: 1 + Math.floor(this.rng.next() * 3), delayMs: 1000 });
    }
    return undefined;
  }

  private record(fault: FiredFault): FiredFault {
    this.counts.set(fault.kind, (this.counts.get(fault.kind) ?? 0) + 1);
    return fault;
  }

  /** Throws naming every scripted fault that did not fire as often as declared. */
  assertAllConsumed(): void {
    const unfired = this.pending.filter((f) => f.fired < f.times);
    if (unfired.length === 0) return;
    const names = unfired.map((f) => `${f.kind} on ${f.endpoint} (fired ${f.fired} of ${f.times})`);
    throw new Error(`scripted faults never fired: ${names.join('; ')}`);
  }

  /** Forget scripted faults (between tests). */
  clear(): void {
    this.pending = [];
  }

  fired(): Partial<Record<FaultKind, number>> {
    return Object.fromEntries(this.counts);
  }
}
