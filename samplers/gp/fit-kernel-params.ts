import { minimizeLbfgsb } from '../optim/lbfgs.js';
import { defaultRaw, type KernelParams, paramsFromRaw, rawBounds, rawLength } from './kernel-params.js';
import { NegativeLogPosterior } from './marginal-likelihood.js';
import type { TrainingSet } from './training-set.js';

/** Fitted hyperparameters and how the fit went. */
export interface FittedKernel {
  readonly raw: Float64Array;
  readonly params: KernelParams;
  /** Negative log posterior at `raw` (Infinity when even the defaults could not be factored). */
  readonly loss: number;
  readonly evaluations: number;
}

export interface FitOptions {
  readonly deterministic: boolean;
  /** The previous fit's raw vector: where to start (the optimum moves little when one trial is added). */
  readonly warmStart?: ArrayLike<number>;
  /** Gradient tolerance of the fit (Optuna uses 1e-2: the acquisition is insensitive beyond that). */
  readonly gtol?: number;
  readonly maxIterations?: number;
}

/**
 * Maximum a posteriori kernel hyperparameters by L-BFGS-B on the raw vector, from the warm start when given,
 * and again from the defaults if that fails (as Optuna's fit_kernel_params does); the defaults themselves
 * when both fail, so an ask never fails because a fit did.
 */
export function fitKernelParams(train: TrainingSet, options: FitOptions): FittedKernel {
  const D = train.dimension;
  const objective = new NegativeLogPosterior(train, options.deterministic);
  const { lower, upper } = rawBounds(D);
  const starts: Float64Array[] = [];
  if (options.warmStart && options.warmStart.length === rawLength(D) && Array.from(options.warmStart).every(Number.isFinite)) {
    starts.push(Float64Array.from(options.warmStart));
  }
  starts.push(defaultRaw(D));
  for (const start of starts) {
    if (options.deterministic) {
      // Pin the noise coordinate: its gradient is zero and the box keeps it put.
      lower[D + 1] = upper[D + 1] = Math.min(upper[D + 1], Math.max(lower[D + 1], start[D + 1]));
    }
    const result = minimizeLbfgsb((x, g) => objective.evaluate(x, g), start, {
      lower,
      upper,
      gtol: options.gtol ?? 1e-2,
      maxIterations: options.maxIterations ?? 100,
    });
    if (Number.isFinite(result.f) && result.stop !== 'non-finite-start') {
      return { raw: result.x, params: paramsFromRaw(result.x, D, options.deterministic), loss: result.f, evaluations: objective.evaluations };
    }
  }
  const raw = defaultRaw(D);
  return { raw, params: paramsFromRaw(raw, D, options.deterministic), loss: Infinity, evaluations: objective.evaluations };
}
