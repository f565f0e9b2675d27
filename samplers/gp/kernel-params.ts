/**
 * The GP's hyperparameters and the unconstrained (log) vector they are fitted in:
 * raw = [log ℓ⁻²_1 … log ℓ⁻²_D, log signal variance, log(noise variance - minimum noise)].
 */

/** Floor on the noise variance of standardised outputs (Optuna's DEFAULT_MINIMUM_NOISE_VAR). */
export const MINIMUM_NOISE_VAR = 1e-6;

export interface KernelParams {
  /** ARD inverse squared length scales, one per encoded dimension. */
  readonly inverseSquaredLengthscales: Float64Array;
  /** Signal variance (the kernel's value at distance 0). */
  readonly kernelScale: number;
  /** Observation noise variance (>= MINIMUM_NOISE_VAR). */
  readonly noiseVar: number;
}

/** Length of the raw vector for D dimensions. */
export function rawLength(dimension: number): number {
  return dimension + 2;
}

/**
 * The starting point when nothing was fitted before: unit inverse squared length scales, unit signal variance
 * and unit noise (Optuna's defaults; the noise prior pulls it down fast once data speak).
 */
export function defaultRaw(dimension: number): Float64Array {
  const raw = new Float64Array(rawLength(dimension));
  raw[dimension + 1] = Math.log(1 - MINIMUM_NOISE_VAR);
  return raw;
}

/** Natural parameters from the raw vector; a deterministic objective pins the noise at the minimum. */
export function paramsFromRaw(raw: ArrayLike<number>, dimension: number, deterministic: boolean): KernelParams {
  const ils = new Float64Array(dimension);
  for (let l = 0; l < dimension; l++) ils[l] = Math.exp(raw[l]);
  return {
    inverseSquaredLengthscales: ils,
    kernelScale: Math.exp(raw[dimension]),
    noiseVar: deterministic ? MINIMUM_NOISE_VAR : MINIMUM_NOISE_VAR + Math.exp(raw[dimension + 1]),
  };
}

/** Box on the raw vector: generous, only there to keep exp() and the Cholesky away from overflow. */
export function rawBounds(dimension: number): { lower: Float64Array; upper: Float64Array } {
  const lower = new Float64Array(rawLength(dimension)).fill(-12);
  const upper = new Float64Array(rawLength(dimension)).fill(12);
  lower[dimension + 1] = -30;
  upper[dimension + 1] = 3;
  return { lower, upper };
}
