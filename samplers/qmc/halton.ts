import { createRng } from '../../src/core/rng.js';

/** The first `count` primes (the Halton bases). */
export function firstPrimes(count: number): number[] {
  const primes: number[] = [];
  for (let candidate = 2; primes.length < count; candidate++) {
    let prime = true;
    for (const p of primes) {
      if (p * p > candidate) break;
      if (candidate % p === 0) {
        prime = false;
        break;
      }
    }
    if (prime) primes.push(candidate);
  }
  return primes;
}

/**
 * A (scrambled) Halton sequence addressed by index: coordinate j is the radical inverse of the index in the
 * j-th prime base.
 * NOTE: scrambling applies an independent random permutation of the digits at every digit position of every
 * coordinate (Owen-type random digit permutations; Mascagni & Chi 2004, "On the scrambled Halton sequence"),
 * which removes the strong correlations of plain Halton between high-numbered coordinates.
 */
export class HaltonSequence {
  private readonly bases: number[];
  // permutations[j][k] is the permutation of the digits at position k of coordinate j (undefined: identity).
  private readonly permutations: Uint16Array[][] | undefined;
  private readonly digits: number[];

  constructor(
    readonly dimension: number,
    scrambleSeed?: ReadonlyArray<number | string>,
  ) {
    this.bases = firstPrimes(dimension);
    // Enough digits that the last one is below double precision.
    this.digits = this.bases.map((b) => Math.ceil(53 / Math.log2(b)));
    if (scrambleSeed) {
      const rng = createRng(...scrambleSeed, 'halton-scramble');
      this.permutations = this.bases.map((b, j) =>
        Array.from({ length: this.digits[j] }, () => {
          const perm = Uint16Array.from({ length: b }, (_, i) => i);
          for (let i = b - 1; i > 0; i--) {
            const r = rng.int(i + 1);
            const t = perm[i];
            perm[i] = perm[r];
            perm[r] = t;
          }
          return perm;
        }),
      );
    }
  }

  /** Point `index` (0-based) written into `out`, every coordinate in [0, 1). */
  point(index: number, out: Float64Array = new Float64Array(this.dimension)): Float64Array {
    for (let j = 0; j < this.dimension; j++) {
      const b = this.bases[j];
      const perms = this.permutations?.[j];
      let rest = index;
      let scale = 1 / b;
      let value = 0;
      // A scrambled sequence permutes the (infinitely many) leading-zero digits too, so run all positions.
      const positions = perms ? this.digits[j] : Number.POSITIVE_INFINITY;
      for (let k = 0; k < positions && (perms || rest > 0); k++) {
        const digit = rest % b;
        rest = Math.floor(rest / b);
        value += (perms ? perms[k][digit] : digit) * scale;
        scale /= b;
      }
      out[j] = Math.min(value, 1 - Number.EPSILON / 2);
    }
    return out;
  }
}
