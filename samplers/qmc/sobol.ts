import { createRng, type Rng } from '../../src/core/rng.js';
import { SOBOL_INITIAL_DIRECTIONS, SOBOL_POLYNOMIALS } from './sobol-direction-numbers.js';

/** Dimensions with published direction numbers; beyond them callers fall back to another sequence. */
export const SOBOL_MAX_DIMENSION = SOBOL_POLYNOMIALS.length;

// 32-bit direction integers: points resolve to 2^-32 and the index may go up to 2^32 - 1.
const BITS = 32;

/**
 * The 32 direction integers v_1..v_32 of one dimension, v_k as a 32-bit unsigned integer (bit 31 = 1/2).
 * NOTE: the recurrence of Bratley & Fox (1988) with the direction numbers of Joe & Kuo (2008),
 * "Constructing Sobol sequences with better two-dimensional projections".
 */
export function sobolDirections(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    for (let k = 0; k < BITS; k++) v[k] = (1 << (BITS - 1 - k)) >>> 0;
    return v;
  }
  const poly = SOBOL_POLYNOMIALS[dimension];
  const m = SOBOL_INITIAL_DIRECTIONS[dimension];
  const s = Math.floor(Math.log2(poly));
  // The inner coefficients a_1..a_{s-1} of the polynomial (leading and constant terms dropped).
  const a = (poly >>> 1) & ((1 << (s - 1)) - 1);
  for (let k = 0; k < Math.min(s, BITS); k++) v[k] = (m[k] << (BITS - 1 - k)) >>> 0;
  for (let k = s; k < BITS; k++) {
    let value = (v[k - s] ^ (v[k - s] >>> s)) >>> 0;
    for (let l = 1; l < s; l++) {
      if ((a >>> (s - 1 - l)) & 1) value = (value ^ v[k - l]) >>> 0;
    }
    v[k] = value;
  }
  return v;
}

/**
 * Linear matrix scrambling plus a digital shift (Matoušek 1998, "On the L2-discrepancy for anchored boxes";
 * Owen 2003, "Variance with alternative scramblings of digital nets"): every direction integer is multiplied
 * by a random lower-triangular binary matrix with unit diagonal, and every point is XORed with a random word.
 * The result is still a (t, s)-sequence, but no longer starts at the origin nor lines up on dyadic grids.
 */
export function scrambleDirections(v: Uint32Array, rng: Rng): { directions: Uint32Array; shift: number } {
  // Row r of the matrix (output bit r counted from the most significant) as a mask over input bits 0..r.
  const rows = new Uint32Array(BITS);
  for (let r = 0; r < BITS; r++) {
    const diagonal = (1 << (BITS - 1 - r)) >>> 0;
    const above = r === 0 ? 0 : (randomWord(rng) & topBits(r)) >>> 0;
    rows[r] = (above | diagonal) >>> 0;
  }
  const out = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) {
    let word = 0;
    for (let r = 0; r < BITS; r++) {
      if (parity32(rows[r] & v[k])) word |= 1 << (BITS - 1 - r);
    }
    out[k] = word >>> 0;
  }
  return { directions: out, shift: randomWord(rng) };
}

/**
 * A (scrambled) Sobol sequence of fixed dimension whose points are addressed by index, so that the point of
 * trial n is computed without the n - 1 before it (Gray-code order, as scipy and Joe & Kuo enumerate it).
 */
export class SobolSequence {
  private readonly directions: Uint32Array[];
  private readonly shifts: Uint32Array;

  /**
   * @param dimension number of coordinates, at most SOBOL_MAX_DIMENSION
   * @param scrambleSeed seed words of the scrambling (none: the plain published sequence)
   */
  constructor(
    readonly dimension: number,
    scrambleSeed?: ReadonlyArray<number | string>,
  ) {
    if (dimension > SOBOL_MAX_DIMENSION) throw new RangeError(`Sobol dimension ${dimension} > ${SOBOL_MAX_DIMENSION}`);
    this.directions = [];
    this.shifts = new Uint32Array(dimension);
    const rng = scrambleSeed ? createRng(...scrambleSeed, 'sobol-scramble') : undefined;
    for (let j = 0; j < dimension; j++) {
      const v = sobolDirections(j);
      if (rng) {
        const scrambled = scrambleDirections(v, rng);
        this.directions.push(scrambled.directions);
        this.shifts[j] = scrambled.shift;
      } else this.directions.push(v);
    }
  }

  /** Point `index` (0-based, below 2^32) written into `out`, every coordinate in [0, 1). */
  point(index: number, out: Float64Array = new Float64Array(this.dimension)): Float64Array {
    const i = index % 4294967296;
    // Gray code of the index: the direction integers to XOR are its set bits.
    const gray = grayCode(i);
    for (let j = 0; j < this.dimension; j++) {
      const v = this.directions[j];
      let word = this.shifts[j];
      let bits = gray;
      let k = 0;
      while (bits > 0) {
        if (bits % 2 === 1) word = (word ^ v[k]) >>> 0;
        bits = Math.floor(bits / 2);
        k++;
      }
      out[j] = word / 4294967296;
    }
    return out;
  }
}

function grayCode(i: number): number {
  // i ^ (i >> 1) without 32-bit sign trouble.
  return ((i >>> 0) ^ (i >>> 1)) >>> 0;
}

// The r most significant bits set (0 < r < 32).
function topBits(r: number): number {
  return ~((1 << (BITS - r)) - 1) >>> 0;
}

function randomWord(rng: Rng): number {
  return Math.floor(rng.random() * 4294967296) >>> 0;
}

function parity32(x: number): number {
  let y = x >>> 0;
  y ^= y >>> 16;
  y ^= y >>> 8;
  y ^= y >>> 4;
  y ^= y >>> 2;
  y ^= y >>> 1;
  return y & 1;
}
