import type { GpRegressor } from './gp-regressor.js';
import { logExpectedImprovement } from './log-ei.js';
import { erfcx, logNormalCdf } from './normal-tail.js';

/** A constraint model: feasible where the constraint's standardised value is <= threshold. */
export interface ConstraintModel {
  readonly gp: GpRegressor;
  readonly threshold: number;
}

// Keeps σ away from 0 at (near-)duplicate points, as Optuna's stabilising noise does.
const MIN_VARIANCE = 1e-12;
const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);

/**
 * The acquisition maximised by the GP sampler: log EI of the objective model over the best feasible value,
 * plus log Φ(feasibility) of each constraint model (the constrained EI of Gardner et al. 2014, "Bayesian
 * optimization with inequality constraints", in log space). Before any feasible trial exists only the
 * feasibility terms count, so the search heads for the feasible region first.
 */
export class Acquisition {
  private readonly dMean: Float64Array;
  private readonly dVar: Float64Array;

  constructor(
    readonly objective: GpRegressor,
    /** The best feasible standardised output, or undefined when no trial is feasible. */
    readonly fBest: number | undefined,
    readonly constraints: readonly ConstraintModel[],
    readonly dimension: number,
  ) {
    this.dMean = new Float64Array(dimension);
    this.dVar = new Float64Array(dimension);
  }

  /** The acquisition value at encoded point x. */
  value(x: ArrayLike<number>): number {
    let total = 0;
    if (this.fBest !== undefined) {
      const post = this.objective.posterior(x);
      total += logExpectedImprovement(post.mean, Math.sqrt(post.variance + MIN_VARIANCE), this.fBest).value;
    }
    for (const c of this.constraints) {
      const post = c.gp.posterior(x);
      total += logNormalCdf((c.threshold - post.mean) / Math.sqrt(post.variance + MIN_VARIANCE));
    }
    return total;
  }

  /**
   * An upper bound on value(x) at O(n D) cost: log EI grows with σ, so the single-point variance bound gives
   * one; a constraint term is bounded by its value at the variance bound when the mean is infeasible (then
   * log Φ grows with σ) and by 0 otherwise. With `keep` (keptPerPoint() long), what valueFromKept needs is
   * left there.
   */
  upperBound(x: ArrayLike<number>, keep?: Float64Array): number {
    let total = 0;
    let offset = 0;
    if (this.fBest !== undefined) {
      const n = this.objective.n;
      const b = this.objective.meanAndVarianceBound(x, keep?.subarray(offset, offset + n));
      if (keep) keep[offset + n] = b.mean;
      offset += n + 1;
      total += logExpectedImprovement(b.mean, Math.sqrt(b.varianceBound + MIN_VARIANCE), this.fBest).value;
    }
    for (const c of this.constraints) {
      const n = c.gp.n;
      const b = c.gp.meanAndVarianceBound(x, keep?.subarray(offset, offset + n));
      if (keep) keep[offset + n] = b.mean;
      offset += n + 1;
      if (b.mean > c.threshold) total += logNormalCdf((c.threshold - b.mean) / Math.sqrt(b.varianceBound + MIN_VARIANCE));
    }
    return total;
  }

  /**
   * Doubles upperBound(x, keep) writes into `keep`: each model's kernel vector k(x, X) and its posterior mean.
   * The screening bounds every candidate and then scores most of them exactly (at 200 points nearly all 256),
   * and the kernel vector is a third of an exact score's cost at 200 points in 10-d (the rest is the
   * triangular solve), so keeping it halves the kernel work of the screening.
   */
  keptPerPoint(): number {
    let stride = this.fBest !== undefined ? this.objective.n + 1 : 0;
    for (const c of this.constraints) stride += c.gp.n + 1;
    return stride;
  }

  /** value(x), given what upperBound(x, keep) kept for the same x: the same arithmetic, so the same number. */
  valueFromKept(keep: Float64Array): number {
    let total = 0;
    let offset = 0;
    if (this.fBest !== undefined) {
      const n = this.objective.n;
      const variance = this.objective.varianceFromKernel(keep.subarray(offset, offset + n));
      total += logExpectedImprovement(keep[offset + n], Math.sqrt(variance + MIN_VARIANCE), this.fBest).value;
      offset += n + 1;
    }
    for (const c of this.constraints) {
      const n = c.gp.n;
      const variance = c.gp.varianceFromKernel(keep.subarray(offset, offset + n));
      total += logNormalCdf((c.threshold - keep[offset + n]) / Math.sqrt(variance + MIN_VARIANCE));
      offset += n + 1;
    }
    return total;
  }

  /** The value, and its gradient with respect to the numeric coordinates written into `grad`. */
  valueAndGradient(x: ArrayLike<number>, grad: Float64Array): number {
    grad.fill(0);
    const D = this.dimension;
    let total = 0;
    if (this.fBest !== undefined) {
      const post = this.objective.posteriorWithGradient(x, this.dMean, this.dVar);
      const sigma = Math.sqrt(post.variance + MIN_VARIANCE);
      const ei = logExpectedImprovement(post.mean, sigma, this.fBest);
      total += ei.value;
      for (let l = 0; l < D; l++) grad[l] += ei.dMean * this.dMean[l] + (ei.dSigma * this.dVar[l]) / (2 * sigma);
    }
    for (const c of this.constraints) {
      const post = c.gp.posteriorWithGradient(x, this.dMean, this.dVar);
      const sigma = Math.sqrt(post.variance + MIN_VARIANCE);
      const z = (c.threshold - post.mean) / sigma;
      total += logNormalCdf(z);
      const dLogPhi = inverseMillsRatio(z);
      for (let l = 0; l < D; l++) {
        const dSigma = this.dVar[l] / (2 * sigma);
        grad[l] += dLogPhi * ((-this.dMean[l] - z * dSigma) / sigma);
      }
    }
    return total;
  }
}

/** φ(z)/Φ(z) = d log Φ / dz, without dividing two underflowing numbers in the left tail. */
function inverseMillsRatio(z: number): number {
  if (z < 0) return 1 / (SQRT_HALF_PI * erfcx(-z * Math.SQRT1_2));
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) / (1 - 0.5 * erfcx(z * Math.SQRT1_2) * Math.exp(-0.5 * z * z));
}
