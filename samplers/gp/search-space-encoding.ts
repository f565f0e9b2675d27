import { type Distribution, type SearchSpace, snapToDistribution } from '../../src/core/distribution.js';
import { hashString } from '../../src/core/rng.js';

interface NumericDimension {
  readonly categorical: false;
  readonly distribution: Distribution;
  readonly log: boolean;
  readonly lo: number;
  readonly hi: number;
}

interface CategoricalDimension {
  readonly categorical: true;
  readonly distribution: Distribution;
  readonly choices: number;
}

type Dimension = NumericDimension | CategoricalDimension;

/**
 * How the GP sees a search space: numeric parameters mapped to [0, 1] (in log space for log distributions),
 * categorical parameters kept as their choice index (the kernel compares them for equality only).
 * NOTE: as in Optuna's GP, ints and stepped floats are widened by half a step on each side so that every grid
 * value owns an equal share of [0, 1]; the acquisition is optimised over the continuum and the result is
 * rounded to the grid (decode), never sampled off-grid.
 */
export class SearchSpaceEncoding {
  readonly names: readonly string[];
  readonly dimension: number;
  /** 1 where the dimension is categorical. */
  readonly isCategorical: Uint8Array;
  /** Number of choices of categorical dimensions (0 for numeric ones). */
  readonly choices: Int32Array;
  /** A short stable digest of the space (names and distributions), to match remembered kernel parameters. */
  readonly signature: string;
  private readonly dims: readonly Dimension[];

  constructor(space: SearchSpace) {
    this.names = Object.keys(space);
    this.dimension = this.names.length;
    this.dims = this.names.map((name) => encodeDimension(space[name]));
    this.isCategorical = Uint8Array.from(this.dims, (d) => (d.categorical ? 1 : 0));
    this.choices = Int32Array.from(this.dims, (d) => (d.categorical ? d.choices : 0));
    this.signature = hashString(JSON.stringify(this.names.map((n) => [n, space[n]]))).toString(36);
  }

  /** Writes the encoding of internal values `params` into out[offset .. offset + dimension). */
  encode(params: Readonly<Record<string, number>>, out: Float64Array, offset = 0): void {
    for (let j = 0; j < this.dimension; j++) out[offset + j] = this.encodeOne(j, params[this.names[j]]);
  }

  /** The encoded value of dimension j for internal value x. */
  encodeOne(j: number, x: number): number {
    const d = this.dims[j];
    if (d.categorical) return x;
    const t = d.log ? Math.log(x) : x;
    return d.hi > d.lo ? (t - d.lo) / (d.hi - d.lo) : 0.5;
  }

  /** Internal values (on the grid, in range) for an encoded point. */
  decode(x: ArrayLike<number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (let j = 0; j < this.dimension; j++) out[this.names[j]] = this.decodeOne(j, x[j]);
    return out;
  }

  /** The internal value of dimension j at encoded value u. */
  decodeOne(j: number, u: number): number {
    const d = this.dims[j];
    if (d.categorical) return Math.min(d.choices - 1, Math.max(0, Math.round(u)));
    const v = Math.min(1, Math.max(0, u));
    const t = d.lo + v * (d.hi - d.lo);
    return snapToDistribution(d.distribution, d.log ? Math.exp(t) : t);
  }

  /** Moves an encoded point onto the grid in place (round-trip through decode), so it scores what it will be. */
  snap(x: Float64Array): void {
    for (let j = 0; j < this.dimension; j++) x[j] = this.encodeOne(j, this.decodeOne(j, x[j]));
  }

  /** An encoded point for a point u of the unit cube (categories: equal shares of [0, 1)). */
  fromUnit(u: ArrayLike<number>, out: Float64Array, offset = 0): void {
    for (let j = 0; j < this.dimension; j++) {
      const d = this.dims[j];
      out[offset + j] = d.categorical ? Math.min(d.choices - 1, Math.floor(u[j] * d.choices)) : u[j];
    }
  }
}

function encodeDimension(d: Distribution): Dimension {
  switch (d.kind) {
    case 'categorical':
      return { categorical: true, distribution: d, choices: d.choices.length };
    case 'float':
      if (d.log) return { categorical: false, distribution: d, log: true, lo: Math.log(d.low), hi: Math.log(d.high) };
      if (d.step !== undefined)
        return { categorical: false, distribution: d, log: false, lo: d.low - d.step / 2, hi: d.high + d.step / 2 };
      return { categorical: false, distribution: d, log: false, lo: d.low, hi: d.high };
    case 'int':
      if (d.log) return { categorical: false, distribution: d, log: true, lo: Math.log(d.low - 0.5), hi: Math.log(d.high + 0.5) };
      return { categorical: false, distribution: d, log: false, lo: d.low - d.step / 2, hi: d.high + d.step / 2 };
  }
}
