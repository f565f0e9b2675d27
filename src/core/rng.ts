/**
 * Seeded randomness for pure algorithms. A generator is derived from (study seed, trial number, stream),
 * so a seeded study gives the same suggestions for the same trial numbers however workers interleave.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  random(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
}

// NOTE: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32; fast, 2^128 period, good enough
// for sampling (not for cryptography).
class Xoshiro128 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | undefined;

  constructor(seed: readonly number[]) {
    let h = 0x9e3779b9;
    const next = () => {
      h = (h + 0x9e3779b9) | 0;
      let z = h;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (const s of seed) h = (Math.imul(h ^ (s >>> 0), 0x01000193) + next()) | 0;
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    for (let i = 0; i < 8; i++) this.nextUint32();
  }

  private nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  random(): number {
    // 53 random bits.
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** FNV-1a of a string, for turning stream names (e.g. a parameter name) into seed words. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A generator for one purpose: `createRng(studySeed, trialNumber, 'tpe', paramName)`.
 * Same arguments, same stream.
 */
export function createRng(...parts: ReadonlyArray<number | string>): Rng {
  const words: number[] = [];
  for (const p of parts) {
    if (typeof p === 'string') words.push(hashString(p));
    else {
      words.push(p >>> 0);
      words.push(Math.floor(p / 4294967296) >>> 0);
    }
  }
  return new Xoshiro128(words);
}
