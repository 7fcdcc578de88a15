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
  /** The normal answer, written a few bytes at a time (dripBytes every dripIntervalMs). */
  'drip',
  /** 200 with a JSON body of sizeBytes (default 60 MiB), generated while it is written. */
  'huge-body',
  /** 200 with a small JSON body nested `depth` levels deep (default 1,000,000). */
  'deep-body',
  /** scanResult: the first workspace carries a value nested `depth` levels deep (default 1,000,000). */
  'deep-workspace',
  /** scanResult: the first workspace carries a string of sizeBytes characters (default 100 MiB). */
  'huge-string-workspace',
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
  /** For 429: the Retry-After header sent verbatim instead (e.g. "-5", "garbage"); wins over retryAfterSeconds. */
  retryAfter?: string;
  /** For slow: delay before the normal answer (default 2000). */
  delayMs?: number;
  /** For drip: bytes written per interval (default 16). */
  dripBytes?: number;
  /** For drip: pause between writes (default 500). */
  dripIntervalMs?: number;
  /** For huge-body and huge-string-workspace: size of the body or of the string. */
  sizeBytes?: number;
  /** For deep-body and deep-workspace: nesting depth of the hostile value. */
  depth?: number;
}

/** What the faults' answers need; everything has its default filled in. */
export interface FiredFault {
  kind: FaultKind;
  retryAfterSeconds: number;
  retryAfter?: string;
  delayMs: number;
  dripBytes: number;
  dripIntervalMs: number;
  sizeBytes: number;
  depth: number;
}

interface Pending extends Omit<FiredFault, 'retryAfter'> {
  retryAfter: string | undefined;
  endpoint: EndpointName | 'any';
  times: number;
  skip: number;
  fired: number;
}

function defaultEndpoint(kind: FaultKind): EndpointName | 'any' {
  if (kind === 'scan-failed' || kind === 'scan-stuck') return 'getInfo';
  if (kind === 'result-expired' || kind === 'deep-workspace' || kind === 'huge-string-workspace')
    return 'scanResult';
  return 'any';
}

const MIB = 1024 * 1024;

function defaultSize(kind: FaultKind): number {
  return kind === 'huge-string-workspace' ? 100 * MIB : 60 * MIB;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer >= 1`);
  return value;
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
    if (fault.retryAfter !== undefined && typeof fault.retryAfter !== 'string')
      throw new Error('retryAfter must be a string (the header value sent verbatim)');
    this.pending.push({
      kind: fault.kind,
      endpoint: fault.endpoint ?? defaultEndpoint(fault.kind),
      times: fault.times ?? 1,
      skip: fault.skip ?? 0,
      retryAfterSeconds: fault.retryAfterSeconds ?? 2,
      retryAfter: fault.retryAfter,
      delayMs: fault.delayMs ?? 2000,
      dripBytes: positiveInteger(fault.dripBytes, 16, 'dripBytes'),
      dripIntervalMs: positiveInteger(fault.dripIntervalMs, 500, 'dripIntervalMs'),
      sizeBytes: positiveInteger(fault.sizeBytes, defaultSize(fault.kind), 'sizeBytes'),
      depth: positiveInteger(fault.depth, 1_000_000, 'depth'),
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
      return this.record({
        kind: f.kind,
        retryAfterSeconds: f.retryAfterSeconds,
        ...(f.retryAfter !== undefined && { retryAfter: f.retryAfter }),
        delayMs: f.delayMs,
        dripBytes: f.dripBytes,
        dripIntervalMs: f.dripIntervalMs,
        sizeBytes: f.sizeBytes,
        depth: f.depth,
      });
    }
    if (!isPowerBiEndpoint(endpoint)) return undefined;
    for (const [kind, p] of Object.entries(this.probabilities) as [FaultKind, number][]) {
      const fits = defaultEndpoint(kind) === 'any' || defaultEndpoint(kind) === endpoint;
      if (fits && this.rng.chance(p))
        return this.record({
          kind,
          retryAfterSeconds: 1 + Math.floor(this.rng.next() * 3),
          delayMs: 1000,
          dripBytes: 16,
          dripIntervalMs: 500,
          sizeBytes: defaultSize(kind),
          depth: 1_000_000,
        });
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
