/**
 * Deterministic randomness: every generated value is a pure function of the tenant seed and a
 * key path (workspace index, artifact kind, ordinal...), so any part of a tenant can be produced
 * on demand without generating the rest.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  uuid(): string;
}

function hashString(text: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hash of a key path, stable across runs and platforms. */
export function hashKey(parts: readonly (string | number)[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = mix(
      typeof part === 'number'
        ? h ^ Math.imul(part | 0, 0x27d4eb2d) ^ Math.floor(part / 2 ** 32)
        : hashString(part, h),
    );
  }
  return h;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** mulberry32: tiny, fast, good enough for test data. */
export function rngFrom(...parts: (string | number)[]): Rng {
  let state = hashKey(parts);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const byte = (): string => HEX[Math.floor(next() * 256)] ?? '00';
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    uuid: () => {
      const b = Array.from({ length: 16 }, byte);
      b[6] = '4' + (b[6] ?? '00').slice(1);
      b[8] = ['8', '9', 'a', 'b'][Math.floor(next() * 4)] + (b[8] ?? '00').slice(1);
      const s = b.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

/** A stable uuid for a key path. */
export function uuidFor(...parts: (string | number)[]): string {
  return rngFrom('uuid', ...parts).uuid();
}
