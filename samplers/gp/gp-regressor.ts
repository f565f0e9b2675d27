import { type CholeskyFactor, choleskyWithJitter, solveLower, solveLowerTransposed } from './cholesky.js';
import type { KernelParams } from './kernel-params.js';
import { kernelMatrix } from './kernel-matrix.js';
import type { TrainingSet } from './training-set.js';

const SQRT5 = Math.sqrt(5);

/**
 * A GP conditioned on a training set with fixed hyperparameters: posterior mean and variance of the latent f
 * (noise excluded) at any point, with their gradients for the acquisition optimiser.
 */
export class GpRegressor {
  readonly n: number;
  private readonly L: Float64Array;
  /** α = C⁻¹ y. */
  private readonly alpha: Float64Array;
  private readonly k: Float64Array;
  private readonly v: Float64Array;
  private readonly dkScratch: Float64Array;
  /** Jitter the Cholesky factorisation needed on top of the noise. */
  readonly jitter: number;
  // C_ii = signal + noise + jitter.
  private readonly diagonal: number;
  private readonly numericDims: Int32Array;
  private readonly categoricalDims: Int32Array;

  constructor(
    readonly train: TrainingSet,
    readonly params: KernelParams,
  ) {
    const { n, X, isCategorical } = train;
    this.n = n;
    const ils = params.inverseSquaredLengthscales;
    const s = params.kernelScale;
    const C = kernelMatrix(train, ils, s, params.noiseVar);
    let chol: CholeskyFactor | undefined = choleskyWithJitter(C, n);
    if (!chol) {
      // Non-finite inputs only; fall back to a diagonal model rather than fail the ask.
      const diag = new Float64Array(n * n);
      for (let i = 0; i < n; i++) diag[i * n + i] = Math.sqrt(s + params.noiseVar);
      chol = { factor: diag, n, jitter: Infinity };
    }
    this.L = chol.factor;
    this.jitter = chol.jitter;
    this.diagonal = Number.isFinite(chol.jitter) ? s + params.noiseVar + chol.jitter : s + params.noiseVar;
    this.alpha = new Float64Array(n);
    solveLower(this.L, n, train.y, this.alpha);
    solveLowerTransposed(this.L, n, this.alpha, this.alpha);
    const dims = Array.from({ length: train.dimension }, (_, l) => l);
    this.numericDims = Int32Array.from(dims.filter((l) => !isCategorical[l]));
    this.categoricalDims = Int32Array.from(dims.filter((l) => isCategorical[l]));
    this.k = new Float64Array(n);
    this.v = new Float64Array(n);
    this.dkScratch = new Float64Array(n);
  }

  /**
   * Writes k_i = k(x, X_i) into `k` (length n) (and dk_i/dr² into `dk` when given); returns kᵀα, the posterior mean.
   * The hot loop of every acquisition evaluation: typed arrays, no calls, numeric and categorical
   * dimensions in separate index lists.
   */
  kernelVector(x: ArrayLike<number>, k: Float64Array, dk?: Float64Array): number {
    const { n, X, dimension: D } = this.train;
    const ils = this.params.inverseSquaredLengthscales;
    const s = this.params.kernelScale;
    const num = this.numericDims;
    const cat = this.categoricalDims;
    const alpha = this.alpha;
    let mean = 0;
    // Without categorical dimensions the index list is 0..D-1: a direct loop is twice as fast in V8 (measured,
    // 22 → 11 µs at 200 points in 10-d) and adds the same terms in the same order, so r² is bit-identical.
    if (cat.length === 0) {
      for (let i = 0; i < n; i++) {
        const row = i * D;
        let r2 = 0;
        for (let l = 0; l < D; l++) {
          const d = X[row + l] - x[l];
          r2 += ils[l] * d * d;
        }
        const root = SQRT5 * Math.sqrt(r2);
        const e = Math.exp(-root);
        const ki = s * (1 + root + (root * root) / 3) * e;
        k[i] = ki;
        if (dk) dk[i] = s * (-5 / 6) * (1 + root) * e;
        mean += ki * alpha[i];
      }
      return mean;
    }
    for (let i = 0; i < n; i++) {
      const row = i * D;
      let r2 = 0;
      for (let q = 0; q < num.length; q++) {
        const l = num[q];
        const d = X[row + l] - x[l];
        r2 += ils[l] * d * d;
      }
      for (let q = 0; q < cat.length; q++) {
        const l = cat[q];
        if (X[row + l] !== x[l]) r2 += ils[l];
      }
      const root = SQRT5 * Math.sqrt(r2);
      const e = Math.exp(-root);
      const ki = s * (1 + root + (root * root) / 3) * e;
      k[i] = ki;
      if (dk) dk[i] = s * (-5 / 6) * (1 + root) * e;
      mean += ki * alpha[i];
    }
    return mean;
  }

  /** Posterior mean and variance of f(x) (variance clamped at 0 against round-off). */
  posterior(x: ArrayLike<number>): { mean: number; variance: number } {
    const mean = this.kernelVector(x, this.k);
    return { mean, variance: this.varianceFromKernel(this.k) };
  }

  /**
   * The posterior variance given the kernel vector k = k(x, X) already computed (by kernelVector): the
   * candidate screening computes k for its bound and keeps it, so the exact score that follows costs only the
   * triangular solve.
   */
  varianceFromKernel(k: ArrayLike<number>): number {
    const n = this.n;
    solveLower(this.L, n, k, this.v);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += this.v[i] * this.v[i];
    return Math.max(0, this.params.kernelScale - explained);
  }

  /**
   * The exact posterior mean and an upper bound on the posterior variance at x, in O(n D) instead of O(n²):
   * the variance given the single most informative training point (conditioning on more data never
   * increases a Gaussian's variance). Lets the candidate screening skip points that cannot win. The kernel
   * vector is left in `k` when given, for varianceFromKernel.
   */
  meanAndVarianceBound(x: ArrayLike<number>, k: Float64Array = this.k): { mean: number; varianceBound: number } {
    const s = this.params.kernelScale;
    const mean = this.kernelVector(x, k);
    let maxK2 = 0;
    for (let i = 0; i < this.n; i++) if (k[i] * k[i] > maxK2) maxK2 = k[i] * k[i];
    return { mean, varianceBound: Math.max(0, s - maxK2 / this.diagonal) };
  }

  /**
   * Posterior mean and variance at x, and their gradients with respect to the numeric coordinates of x
   * (categorical coordinates get 0: they are optimised by enumeration, not by gradient).
   */
  posteriorWithGradient(x: ArrayLike<number>, dMean: Float64Array, dVariance: Float64Array): { mean: number; variance: number } {
    const { n, X, dimension: D } = this.train;
    const ils = this.params.inverseSquaredLengthscales;
    const s = this.params.kernelScale;
    const num = this.numericDims;
    const k = this.k;
    // dk_i/dr² for each training point.
    const dk = this.dkScratch;
    const mean = this.kernelVector(x, k, dk);
    const v = this.v;
    solveLower(this.L, n, k, v);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += v[i] * v[i];
    const variance = s - explained;
    // w = C⁻¹ k; d var = -2 wᵀ dk.
    solveLowerTransposed(this.L, n, v, v);
    dMean.fill(0);
    dVariance.fill(0);
    for (let i = 0; i < n; i++) {
      const a = this.alpha[i] * dk[i];
      const b = -2 * v[i] * dk[i];
      if (a === 0 && b === 0) continue;
      const row = i * D;
      // Numeric dimensions only (categoricals get 0), in increasing order as before.
      for (let q = 0; q < num.length; q++) {
        const l = num[q];
        // dr²/dx_l = 2 ℓ⁻²_l (x_l - X_il)
        const dr2 = 2 * ils[l] * (x[l] - X[row + l]);
        dMean[l] += a * dr2;
        dVariance[l] += b * dr2;
      }
    }
    if (variance <= 0) {
      dVariance.fill(0);
      return { mean, variance: 0 };
    }
    return { mean, variance };
  }
}
