import { type CholeskyFactor, choleskyWithJitter, solveLower, solveLowerTransposed } from './cholesky.js';
import type { KernelParams } from './kernel-params.js';
import { matern52, scaledSquaredDistance } from './matern52-kernel.js';
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
    const C = new Float64Array(n * n);
    const xi = new Float64Array(train.dimension);
    for (let i = 0; i < n; i++) {
      for (let l = 0; l < train.dimension; l++) xi[l] = X[i * train.dimension + l];
      for (let j = 0; j < i; j++) C[i * n + j] = s * matern52(scaledSquaredDistance(X, j, xi, ils, isCategorical));
      C[i * n + i] = s + params.noiseVar;
    }
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
   * Writes k_i = k(x, X_i) into `k` (and dk_i/dr² into `dk` when given); returns kᵀα, the posterior mean.
   * The hot loop of every acquisition evaluation: typed arrays, no calls, numeric and categorical
   * dimensions in separate index lists.
   */
  private kernelVector(x: ArrayLike<number>, k: Float64Array, dk?: Float64Array): number {
    const { n, X, dimension: D } = this.train;
    const ils = this.params.inverseSquaredLengthscales;
    const s = this.params.kernelScale;
    const num = this.numericDims;
    const cat = this.categoricalDims;
    const alpha = this.alpha;
    let mean = 0;
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
    const n = this.n;
    const s = this.params.kernelScale;
    const k = this.k;
    const mean = this.kernelVector(x, k);
    solveLower(this.L, n, k, this.v);
    let explained = 0;
    for (let i = 0; i < n; i++) explained += this.v[i] * this.v[i];
    return { mean, variance: Math.max(0, s - explained) };
  }

  /**
   * The exact posterior mean and an upper bound on the posterior variance at x, in O(n D) instead of O(n²):
   * the variance given the single most informative training point (conditioning on more data never
   * increases a Gaussian's variance). Lets the candidate screening skip points that cannot win.
   */
  meanAndVarianceBound(x: ArrayLike<number>): { mean: number; varianceBound: number } {
    const s = this.params.kernelScale;
    const k = this.k;
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
    const { n, X, isCategorical, dimension: D } = this.train;
    const ils = this.params.inverseSquaredLengthscales;
    const s = this.params.kernelScale;
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
      for (let l = 0; l < D; l++) {
        if (isCategorical[l]) continue;
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
