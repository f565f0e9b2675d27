import type { TpeOptions } from '../sampler-spec.js';

/** How many of n observations are "good" (the set l(x) is fitted to). */
export type GammaFunction = (n: number) => number;

/** NOTE: Optuna's default (Watanabe 2023 calls it linear with β = 0.1, capped at 25). */
export const optunaGamma: GammaFunction = (n) => Math.min(Math.ceil(0.1 * n), 25);

/** NOTE: Hyperopt's (Bergstra et al. 2011): min(⌈0.25 √n⌉, 25). */
export const hyperoptGamma: GammaFunction = (n) => Math.min(Math.ceil(0.25 * Math.sqrt(n)), 25);

/** A fixed fraction, uncapped. */
export function fractionGamma(fraction: number): GammaFunction {
  return (n) => Math.ceil(fraction * n);
}

/** The gamma function an options object names. */
export function gammaOf(options: Pick<TpeOptions, 'gamma' | 'gammaFraction'>, fallback: GammaFunction): GammaFunction {
  switch (options.gamma) {
    case 'optuna':
      return optunaGamma;
    case 'hyperopt':
      return hyperoptGamma;
    case 'fraction':
      return fractionGamma(options.gammaFraction ?? 0.1);
    default:
      return fallback;
  }
}
