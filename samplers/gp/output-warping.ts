/**
 * Output warping: a power transform of the objective values, its exponent fitted by maximum likelihood,
 * before the GP sees them.
 * NOTE: HEBO (Cowen-Rivers et al. 2022, "HEBO: pushing the limits of sample-efficient hyper-parameter
 * optimisation") warps the outputs with a power transform before fitting the GP: an objective with a heavy
 * tail of bad values (rosenbrock, six-hump camel, branin's corners) otherwise stretches the standardised scale
 * so far that differences among the good points fall below the noise floor (1e-6 of the variance) and the
 * good region looks flat to a stationary GP. The family is Yeo & Johnson 2000, "A new family of power
 * transformations to improve normality or symmetry". Unlike HEBO (which divides by the standard deviation
 * only) we warp the distance from the best value in standard deviations, so the result does not depend on the
 * objective's offset or unit. The transform is monotone: the incumbent and the order of the trials are kept.
 * Optuna 4.9's GPSampler only standardises; this is where we depart from it (samplers/gp/README.md, "what we
 * tried"). */
import { standardise } from './standardise.js';

// λ is searched in this interval: wide enough for a log-like compression of a heavy tail (λ ≈ 0) and its
// mirror, narrow enough that a few points cannot produce an extreme power.
const LAMBDA_LOW = -2;
const LAMBDA_HIGH = 4;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** The Yeo-Johnson transform of x with exponent λ. */
export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-12 ? Math.log1p(x) : (Math.pow(1 + x, lambda) - 1) / lambda;
  const mirrored = 2 - lambda;
  return Math.abs(mirrored) < 1e-12 ? -Math.log1p(-x) : -(Math.pow(1 - x, mirrored) - 1) / mirrored;
}

/**
 * Profile log likelihood of λ under a normal model of the transformed values (Yeo & Johnson 2000, §3):
 * -n/2 log σ̂²(λ) + (λ - 1) Σ sign(x) log(1 + |x|).
 */
export function yeoJohnsonLogLikelihood(values: ArrayLike<number>, lambda: number): number {
  const n = values.length;
  let mean = 0;
  let jacobian = 0;
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    t[i] = yeoJohnson(x, lambda);
    mean += t[i];
    jacobian += Math.sign(x) * Math.log1p(Math.abs(x));
  }
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (t[i] - mean) * (t[i] - mean);
  const variance = ss / n;
  if (!(variance > 0) || !Number.isFinite(variance)) return -Infinity;
  return -0.5 * n * Math.log(variance) + (lambda - 1) * jacobian;
}

/** The maximum-likelihood λ in [LAMBDA_LOW, LAMBDA_HIGH] (golden-section search; the profile is unimodal in practice). */
export function fitYeoJohnsonLambda(values: ArrayLike<number>): number {
  let a = LAMBDA_LOW;
  let b = LAMBDA_HIGH;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = yeoJohnsonLogLikelihood(values, c);
  let fd = yeoJohnsonLogLikelihood(values, d);
  for (let iter = 0; iter < 40 && b - a > 1e-4; iter++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = yeoJohnsonLogLikelihood(values, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = yeoJohnsonLogLikelihood(values, d);
    }
  }
  const lambda = (a + b) / 2;
  // An unchanged scale (λ = 1) when the fit is no better: a handful of points should not warp anything.
  return yeoJohnsonLogLikelihood(values, lambda) > yeoJohnsonLogLikelihood(values, 1) ? lambda : 1;
}

/**
 * Warped and standardised copy of `values` (larger is better in and out). The values are turned into
 * "distance above the best in standard deviations", x = (best - y) / sd ≥ 0, where the transform is a Box-Cox
 * of 1 + x: λ < 1 compresses a heavy tail of bad values while the best points keep their spacing. Measuring
 * from the best point makes the warp independent of the objective's offset and unit.
 */
export function warpOutputs(values: Float64Array): Float64Array {
  const z = standardise(values).values;
  let best = -Infinity;
  for (const v of z) best = Math.max(best, v);
  if (z.every((v) => v === z[0])) return z;
  const above = Float64Array.from(z, (v) => best - v);
  const lambda = fitYeoJohnsonLambda(above);
  return standardise(Float64Array.from(above, (x) => -yeoJohnson(x, lambda))).values;
}
