import type { ParzenOptions } from '../../../../samplers/tpe/parzen-estimator.js';

/** The multivariate estimator options the sampler uses by default (spread bandwidth, prior, magic clip). */
export const MULTIVARIATE_PARZEN_OPTIONS: ParzenOptions = {
  considerPrior: true,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  multivariate: true,
  bandwidth: 'spread',
  bandwidthFactor: 1,
  clipScale: 1,
};
