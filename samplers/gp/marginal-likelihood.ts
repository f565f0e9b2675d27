import { choleskyWithJitter, inverseFromCholesky, solveLower, solveLowerTransposed } from './cholesky.js';
import { paramsFromRaw } from './kernel-params.js';
import { logPriorAndGradient } from './prior.js';
import type { TrainingSet } from './training-set.js';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
const SQRT5 = Math.sqrt(5);

/**
 * The negative log posterior of the kernel hyperparameters, -(log marginal likelihood + log prior), with its
 * analytic gradient in the raw (log) coordinates (Rasmussen & Williams 2006, "Gaussian processes for machine
 * learning", eq. 5.9): ∂/∂θ log p(y) = ½ tr((ααᵀ - C⁻¹) ∂C/∂θ), α = C⁻¹y, C = K + σ²I.
 * The per-pair, per-dimension distance terms are computed once per training set, so an evaluation costs one
 * kernel matrix, one Cholesky factorisation and one inverse: about n³/2 flops plus n² D.
 */
export class NegativeLogPosterior {
  private readonly pairTerms: Float64Array;
  private readonly pairs: number;
  private readonly C: Float64Array;
  /** √5 r and e^{-√5 r} per pair at the current evaluation. */
  private readonly roots: Float64Array;
  private readonly exps: Float64Array;
  /** Reused n² buffers: the Cholesky factor, the inverse and its scratch. */
  private readonly factor: Float64Array;
  private readonly inverse: Float64Array;
  private readonly inverseScratch: Float64Array;
  private readonly alpha: Float64Array;
  private readonly priorGrad: Float64Array;
  private readonly accum: Float64Array;
  /** Evaluations so far (for benchmarks and tests). */
  evaluations = 0;

  constructor(
    private readonly train: TrainingSet,
    private readonly deterministic: boolean,
  ) {
    const { n, dimension: D, X, isCategorical } = train;
    this.pairs = (n * (n - 1)) / 2;
    this.pairTerms = new Float64Array(this.pairs * D);
    let p = 0;
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++, p++) {
        for (let l = 0; l < D; l++) {
          const a = X[i * D + l];
          const b = X[j * D + l];
          this.pairTerms[p * D + l] = isCategorical[l] ? (a === b ? 0 : 1) : (a - b) * (a - b);
        }
      }
    }
    this.C = new Float64Array(n * n);
    this.roots = new Float64Array(this.pairs);
    this.exps = new Float64Array(this.pairs);
    this.factor = new Float64Array(n * n);
    this.inverse = new Float64Array(n * n);
    this.inverseScratch = new Float64Array(n * n);
    this.alpha = new Float64Array(n);
    this.priorGrad = new Float64Array(D + 2);
    this.accum = new Float64Array(D);
  }

  /** The loss at `raw`; writes its gradient into `grad`. Infinity when the kernel matrix cannot be factored. */
  evaluate(raw: Float64Array, grad: Float64Array): number {
    this.evaluations++;
    const { n, dimension: D, y } = this.train;
    const params = paramsFromRaw(raw, D, this.deterministic);
    const ils = params.inverseSquaredLengthscales;
    const s = params.kernelScale;
    const noise = params.noiseVar;
    const C = this.C;
    const pairTerms = this.pairTerms;
    const roots = this.roots;
    const exps = this.exps;
    let p = 0;
    for (let i = 1; i < n; i++) {
      const row = i * n;
      for (let j = 0; j < i; j++, p++) {
        let d = 0;
        const base = p * D;
        for (let l = 0; l < D; l++) d += ils[l] * pairTerms[base + l];
        // matern52(d) written out so that √5 r and e^{-√5 r} are kept for the gradient loop below, which
        // needs both again (one sqrt and one exp per pair saved); the same operations, so the same values.
        const root = SQRT5 * Math.sqrt(d);
        const e = Math.exp(-root);
        roots[p] = root;
        exps[p] = e;
        C[row + j] = s * ((1 + root + (5 / 3) * d) * e);
      }
    }
    for (let i = 0; i < n; i++) C[i * n + i] = s + noise;
    const chol = choleskyWithJitter(C, n, this.factor);
    if (!chol) {
      grad.fill(0);
      return Infinity;
    }
    const L = chol.factor;
    const alpha = this.alpha;
    solveLower(L, n, y, alpha);
    let quad = 0;
    for (let i = 0; i < n; i++) quad += alpha[i] * alpha[i];
    solveLowerTransposed(L, n, alpha, alpha);
    let halfLogDet = 0;
    for (let i = 0; i < n; i++) halfLogDet += Math.log(L[i * n + i]);
    const logLikelihood = -0.5 * quad - halfLogDet - n * HALF_LOG_2PI;
    const Cinv = inverseFromCholesky(L, n, this.inverseScratch, this.inverse);

    // Gradient of the log likelihood. Off-diagonal pairs appear twice in the trace, which cancels the ½.
    const accum = this.accum.fill(0);
    let gScale = 0;
    p = 0;
    for (let i = 1; i < n; i++) {
      const row = i * n;
      const ai = alpha[i];
      for (let j = 0; j < i; j++, p++) {
        const w = ai * alpha[j] - Cinv[row + j];
        // m and dm/dr² share e^{-√5 r}.
        const root = roots[p];
        const e = exps[p];
        gScale += w * s * (1 + root + (root * root) / 3) * e;
        const c = w * s * (-5 / 6) * (1 + root) * e;
        if (c === 0) continue;
        const base = p * D;
        for (let l = 0; l < D; l++) accum[l] += c * pairTerms[base + l];
      }
    }
    let traceW = 0;
    for (let i = 0; i < n; i++) traceW += alpha[i] * alpha[i] - Cinv[i * n + i];
    gScale += 0.5 * traceW * s;
    // ∂C_ii/∂raw_noise = e^raw (noise = minimum + e^raw).
    const gNoise = this.deterministic ? 0 : 0.5 * traceW * Math.exp(raw[D + 1]);

    const logPrior = logPriorAndGradient(raw, D, noise, !this.deterministic, this.priorGrad);
    for (let l = 0; l < D; l++) grad[l] = -(accum[l] * ils[l] + this.priorGrad[l]);
    grad[D] = -(gScale + this.priorGrad[D]);
    grad[D + 1] = -(gNoise + this.priorGrad[D + 1]);
    return -(logLikelihood + logPrior);
  }
}
