/**
 * The Matérn-5/2 covariance as a function of the scaled squared distance r², with categorical dimensions
 * contributing ℓ⁻² · [a ≠ b] (a Hamming distance) instead of ℓ⁻² · (a - b)².
 * NOTE: Matérn-5/2 with ARD is the default of Snoek, Larochelle & Adams 2012, "Practical Bayesian optimization
 * of machine learning algorithms"; the Hamming part for categories follows Optuna's GP sampler.
 */

const SQRT5 = Math.sqrt(5);

/** m(r²) = (1 + √5 r + 5/3 r²) e^{-√5 r}. */
export function matern52(r2: number): number {
  const s = SQRT5 * Math.sqrt(r2);
  return (1 + s + (5 / 3) * r2) * Math.exp(-s);
}

/** dm/d(r²) = -5/6 (1 + √5 r) e^{-√5 r}, finite at r = 0 (which is why we differentiate in r², not r). */
export function matern52Derivative(r2: number): number {
  const s = SQRT5 * Math.sqrt(r2);
  return (-5 / 6) * (1 + s) * Math.exp(-s);
}

/** The per-dimension distance term between encoded values a and b. */
export function dimensionDistance(a: number, b: number, categorical: boolean): number {
  if (categorical) return a === b ? 0 : 1;
  const d = a - b;
  return d * d;
}

/** r² between row i of X (n × D) and the point x. */
export function scaledSquaredDistance(
  X: Float64Array,
  i: number,
  x: ArrayLike<number>,
  ils: Float64Array,
  isCategorical: Uint8Array,
): number {
  const D = ils.length;
  const row = i * D;
  let r2 = 0;
  for (let l = 0; l < D; l++) {
    const a = X[row + l];
    const b = x[l];
    if (isCategorical[l]) {
      if (a !== b) r2 += ils[l];
    } else {
      const d = a - b;
      r2 += ils[l] * d * d;
    }
  }
  return r2;
}
