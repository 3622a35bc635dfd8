/**
 * A small seeded pseudo-random generator (mulberry32) for reproducible demo and test data.
 * Pure: the same seed gives the same sequence on every machine; no Math.random, no clock.
 * Not for anything that needs unpredictability (passwords, tokens).
 */

/** Mixes a 32-bit value (the finaliser of MurmurHash3), so that seeds 1, 2, 3 … start far apart. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** A 32-bit hash of a seed and a key (FNV-1a over the key's characters, then mixed). */
function hash32(seed: number, key: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Reduces any finite number to a 32-bit seed (integers up to 2^53 keep their high bits). */
export function normaliseSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`a seed must be a finite number, got ${seed}`);
  const int = Math.trunc(seed);
  const low = int >>> 0;
  const high = Math.floor(Math.abs(int) / 2 ** 32) >>> 0;
  return mix32(low ^ mix32(high + (int < 0 ? 0x9e3779b9 : 0)));
}

export class Random {
  private state: number;
  /** The 32-bit seed this generator started from. */
  readonly seed: number;

  constructor(seed: number) {
    this.seed = normaliseSeed(seed);
    this.state = this.seed;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): need integers with min <= max`);
    }
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability p (p <= 0: never, p >= 1: always). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One element, chosen with the given non-negative weights (not all zero). */
  weighted<T>(items: ReadonlyArray<readonly [item: T, weight: number]>): T {
    let total = 0;
    for (const [, w] of items) {
      if (!(w >= 0)) throw new RangeError(`weights must be non-negative, got ${w}`);
      total += w;
    }
    if (total <= 0) throw new RangeError('weighted pick needs a positive total weight');
    let r = this.next() * total;
    for (const [item, w] of items) {
      if (r < w) return item;
      r -= w;
    }
    // Rounding can leave r a hair above the last weight: the last positive item.
    for (let i = items.length - 1; i >= 0; i--) if (items[i]![1] > 0) return items[i]![0];
    throw new RangeError('unreachable');
  }

  /** A shuffled copy (Fisher–Yates); the input is left alone. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** k distinct elements in random order (all of them when k >= length). */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, k));
  }

  /**
   * An independent generator for a named part of the work ("village:3", "visits"). Its sequence
   * depends only on this generator's seed and the key, not on how much this one has been used,
   * so adding draws in one part does not change the others.
   */
  fork(key: string | number): Random {
    const child = new Random(0);
    const seed = hash32(this.seed, String(key));
    (child as { seed: number }).seed = seed;
    child.state = seed;
    return child;
  }
}
